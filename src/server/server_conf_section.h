/* server.conf's parsed form, shared by its reader (server_conf.c) and a key's options and
 * resolving (key_options.c) only: everyone else goes through server_conf.h. */
#ifndef SSHDIAL_SERVER_CONF_SECTION_H
#define SSHDIAL_SERVER_CONF_SECTION_H

#include <netinet/in.h>
#include <stdbool.h>

#include "conf/keyword.h"
#include "lib/cidr.h"
#include "server/server_conf.h"

enum skw {
	SKW_LOCAL_ADDRESS,
	SKW_POOL,
	SKW_ECHO_INTERVAL,
	SKW_ECHO_FAILURE,
	SKW_LEASE_DIR,
	SKW_LOG_FILE,
	SKW_KEY,
	SKW_ADDRESS,
	SKW_ROUTE,
	SKW_PAP,
	SKW_MTU,
	SKW_MRU,
	SKW_DNS,
	SKW_PROXYARP,
	SKW_FORWARDING,
	SKW_MASQUERADE,
	SKW_IPV6_PREFIX,
	SKW_COUNT
};

/* Where a keyword may be given (struct keyword's places). */
enum scope { IN_SERVER = 1, IN_KEY = 2, IN_LINE = 4, ANYWHERE = IN_SERVER | IN_KEY | IN_LINE };

/* Settings given in one place: the server-wide part, a key section, or a key's line. */
struct section {
	char *name;
	unsigned line;
	unsigned given[SKW_COUNT]; /* the line of the first use, 0 when not given */
	struct in_addr address;
	unsigned mtu, mru;
	unsigned dns_count;
	struct in_addr dns[SERVER_DNS_MAX];
	bool pap, proxyarp, forwarding, masquerade;
	struct kw_networks routes;
	struct cidr ipv6_prefix; /* SKW_IPV6_PREFIX */
};

struct key_options {
	struct section s;
};

struct server_conf {
	char *file;
	struct section server;
	struct cidr pool;
	struct in_addr local;
	unsigned echo_interval, echo_failure;
	char *lease_dir, *log_file;
	struct section *keys;
	size_t key_count;
};

/* Keyword k with value into section s (and, server-wide, into c; NULL for a key's section or
 * line).  False after an error. */
bool server_conf_apply(struct server_conf *c, struct section *s, unsigned scope,
                       const struct kw_place *at, int k, const char *value);
/* The message for a keyword not in the table (line: on a key's authorized_keys line). */
void server_conf_unknown_keyword(const struct kw_place *at, const char *name, bool line);
void server_conf_section_free(struct section *s);
/* Key name's section, or NULL. */
const struct section *server_conf_find_key(const struct server_conf *c, const char *name);

#endif
