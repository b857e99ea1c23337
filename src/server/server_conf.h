/* The server side's configuration, /etc/sshdial/server.conf (sshdial-server(5)):
 * server-wide settings first, then one `key NAME` section per client key.  A key's
 * settings come from three places, later ones winning: the server-wide defaults, the
 * options on its authorized_keys line, and its section here, which only root can edit.
 * Routes, forwarding and masquerade, which the root hook applies, come from this file
 * alone. */
#ifndef SSHDIAL_SERVER_CONF_H
#define SSHDIAL_SERVER_CONF_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/cidr.h"
#include "lib/diag.h"
#include "lib/text.h"

#define SERVER_CONF_PATH "/etc/sshdial/server.conf"
#define SERVER_LEASE_DIR "/var/lib/sshdial/leases"
#define SERVER_KEY_NAME_MAX SAFE_NAME_MAX
#define SERVER_DNS_MAX 2

struct server_conf;
struct server_conf_reader;

/* The three-call parser: errors go to d as "FILE:LINE: message"; finish returns NULL if
 * there was any (and frees the reader). */
struct server_conf_reader *server_conf_read_init(const char *file, struct diag *d);
void server_conf_read_line(struct server_conf_reader *r, const char *line, unsigned lineno);
struct server_conf *server_conf_read_finish(struct server_conf_reader *r);
/* Reads a whole file. */
struct server_conf *server_conf_load(const char *path, struct diag *d);
void server_conf_free(struct server_conf *c);

/* server.conf's keywords (the docs test compares them with sshdial-server(5)). */
struct kw_table;
const struct kw_table *server_conf_keywords(void);

/* A key name becomes a syslog tag, a pppd ipparam and a lease's owner: the rule of
 * lib/text.h (1-32 of [A-Za-z0-9._-], no leading '.'), as for a peer name. */
bool server_key_name_valid(const char *name);

const struct cidr *server_conf_pool(const struct server_conf *c);
struct in_addr server_conf_local(const struct server_conf *c);
unsigned server_conf_echo_interval(const struct server_conf *c);
unsigned server_conf_echo_failure(const struct server_conf *c);
const char *server_conf_lease_dir(const struct server_conf *c);
const char *server_conf_log_file(const struct server_conf *c); /* NULL: syslog only */
bool server_conf_has_key(const struct server_conf *c, const char *name);
/* A host address of the pool other than the server's own. */
bool server_conf_in_pool(const struct server_conf *c, struct in_addr a);
/* Some key section fixes this address: the pool never leases it to another key. */
bool server_conf_address_fixed(const struct server_conf *c, struct in_addr a);

/* One key's options from its authorized_keys line, each read like a line of a key
 * section: `sshdial serve --key NAME --mtu 1400` gives keyword "mtu", value "1400". */
struct key_options;
struct key_options *key_options_new(void);
void key_options_free(struct key_options *o);
/* false after adding "FILE:LINE: message" to d (FILE alone when line is 0). */
bool key_options_add(struct key_options *o, const char *keyword, const char *value,
                     const char *file, unsigned line, struct diag *d);
/* Checks an address option of key name against the pool and the other keys' fixed
 * addresses, as authorize does before printing a line. */
bool key_options_check(const struct key_options *o, const struct server_conf *c, const char *name,
                       const char *file, unsigned line, struct diag *d);

/* What one connection of a key gets. */
struct key_settings {
	char name[SERVER_KEY_NAME_MAX + 1];
	bool has_address; /* else a lease from the pool */
	struct in_addr address;
	unsigned mtu, mru; /* 0: pppd's default */
	unsigned dns_count;
	struct in_addr dns[SERVER_DNS_MAX];
	bool pap;
	bool proxyarp;
	bool forwarding;
	bool masquerade; /* NAT the key's address out of the default interface (the root hook) */
	size_t route_count;
	const struct cidr *routes; /* borrowed from the server_conf */
	/* IPv6 through the link: each end gets ipv6_prefix with its IPv4 address as the last
	 * 32 bits (cidr_ipv6_host); pppd negotiates IPV6CP. */
	bool has_ipv6;
	struct cidr ipv6_prefix;
};

/* Settings of key name: server-wide, then line (may be NULL), then the key's section (a
 * key with no section gets the others).  false after adding messages to d (line_file and
 * line_no say where line came from). */
bool server_conf_resolve(const struct server_conf *c, const char *name,
                         const struct key_options *line, const char *line_file, unsigned line_no,
                         struct key_settings *out, struct diag *d);

#endif
