#include "server/server_conf.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/keyword.h"
#include "lib/lines.h"
#include "lib/xalloc.h"
#include "server/server_conf_section.h"

/* server.conf's keywords, as sshdial-server(5) lists them (tests/unit/test_docs.c). */
static const struct keyword keywords[SKW_COUNT] = {
    [SKW_LOCAL_ADDRESS] = {.name = "local-address",
                           .kind = KW_IPV4,
                           .usage = "local-address ADDRESS",
                           .places = IN_SERVER},
    [SKW_POOL] = {.name = "pool",
                  .kind = KW_TEXT,
                  .usage = "pool ADDRESS/PREFIX",
                  .places = IN_SERVER},
    [SKW_ECHO_INTERVAL] = {.name = "lcp-echo-interval",
                           .kind = KW_NUMBER,
                           .usage = "lcp-echo-interval SECONDS",
                           .places = IN_SERVER,
                           .min = 1,
                           .max = 3600},
    [SKW_ECHO_FAILURE] = {.name = "lcp-echo-failure",
                          .kind = KW_NUMBER,
                          .usage = "lcp-echo-failure N",
                          .places = IN_SERVER,
                          .min = 1,
                          .max = 100},
    [SKW_LEASE_DIR] = {.name = "lease-dir",
                       .kind = KW_PATH,
                       .usage = "lease-dir PATH",
                       .places = IN_SERVER},
    [SKW_LOG_FILE] = {.name = "log-file",
                      .kind = KW_PATH,
                      .usage = "log-file PATH",
                      .places = IN_SERVER},
    [SKW_KEY] = {.name = "key",
                 .kind = KW_TEXT,
                 .usage = "key NAME",
                 .flags = KW_REPEATS,
                 .places = IN_SERVER | IN_KEY},
    [SKW_ADDRESS] = {.name = "address",
                     .kind = KW_IPV4,
                     .usage = "address ADDRESS",
                     .places = IN_KEY | IN_LINE},
    [SKW_ROUTE] = {.name = "route",
                   .kind = KW_NETWORK,
                   .usage = "route ADDRESS/PREFIX",
                   .flags = KW_REPEATS,
                   .places = IN_KEY},
    [SKW_PAP] = {.name = "pap", .kind = KW_BOOL, .usage = "pap yes|no", .places = ANYWHERE},
    [SKW_MTU] = {.name = "mtu",
                 .kind = KW_NUMBER,
                 .usage = "mtu BYTES",
                 .places = ANYWHERE,
                 .min = 128,
                 .max = 16384},
    [SKW_MRU] = {.name = "mru",
                 .kind = KW_NUMBER,
                 .usage = "mru BYTES",
                 .places = ANYWHERE,
                 .min = 128,
                 .max = 16384},
    [SKW_DNS] = {.name = "dns",
                 .kind = KW_IPV4,
                 .usage = "dns ADDRESS",
                 .flags = KW_REPEATS,
                 .places = ANYWHERE},
    [SKW_PROXYARP] = {.name = "proxyarp",
                      .kind = KW_BOOL,
                      .usage = "proxyarp yes|no",
                      .places = ANYWHERE},
    [SKW_FORWARDING] = {.name = "forwarding",
                        .kind = KW_BOOL,
                        .usage = "forwarding yes|no",
                        .places = IN_SERVER | IN_KEY},
    [SKW_MASQUERADE] = {.name = "masquerade",
                        .kind = KW_BOOL,
                        .usage = "masquerade yes|no",
                        .places = IN_SERVER | IN_KEY},
    [SKW_IPV6_PREFIX] = {.name = "ipv6-prefix",
                         .kind = KW_NETWORK,
                         .usage = "ipv6-prefix ADDRESS/PREFIX",
                         .places = IN_SERVER | IN_KEY},
};

static const struct kw_table table = {keywords, SKW_COUNT, "one value per line"};

const struct kw_table *server_conf_keywords(void)
{
	return &table;
}

struct server_conf_reader {
	struct server_conf *c;
	struct diag *d;
	size_t errors_before;
};

bool server_key_name_valid(const char *name)
{
	return safe_name_valid(name);
}

/* ---- addresses ---- */

static uint32_t host_order(struct in_addr a)
{
	return ntohl(a.s_addr);
}

static bool in_network(const struct cidr *net, struct in_addr a)
{
	if (net->family != AF_INET)
		return false;
	uint32_t base, mask = net->prefixlen ? ~0u << (32 - net->prefixlen) : 0;
	memcpy(&base, net->addr, 4);
	return (host_order(a) & mask) == (ntohl(base) & mask);
}

/* Neither the network's nor its broadcast address. */
static bool host_of(const struct cidr *net, struct in_addr a)
{
	if (!in_network(net, a))
		return false;
	uint32_t host = host_order(a) & ~(~0u << (32 - net->prefixlen));
	return host != 0 && host != ~(~0u << (32 - net->prefixlen));
}

/* ---- setters: what a value means beyond its kind ---- */

/* c is NULL for a key's section or line: the table keeps server-wide keywords out. */
typedef void set_fn(struct server_conf *c, struct section *s, int k, const struct kw_place *at,
                    const struct kw_value *v);

/* The pool keeps messages of its own: only an IPv4 network will do. */
static void set_pool(struct server_conf *c, struct section *s, int k, const struct kw_place *at,
                     const struct kw_value *value)
{
	(void)s;
	(void)k;
	const char *v = value->text;
	struct cidr net;
	enum cidr_status st = cidr_parse_status(v, &net);
	if (st == CIDR_HOST_BITS) {
		char buf[CIDR_STRLEN];
		cidr_format(&net, buf, sizeof(buf));
		kw_error(at, "pool: '%s' has host bits set; did you mean '%s'?", v, buf);
	} else if (st != CIDR_OK || net.family != AF_INET || !strchr(v, '/')) {
		kw_error(at,
		         "pool: '%s' is not an IPv4 network; write it as in 'pool 192.168.77.0/24'",
		         v);
	} else if (net.prefixlen < 16 || net.prefixlen > 30) {
		kw_error(at, "pool: '%s' is too %s; use a prefix length from /16 to /30", v,
		         net.prefixlen < 16 ? "large" : "small");
	} else {
		c->pool = net;
	}
}

static void set_server(struct server_conf *c, struct section *s, int k, const struct kw_place *at,
                       const struct kw_value *v)
{
	(void)s;
	(void)at;
	if (k == SKW_LOCAL_ADDRESS) {
		c->local = v->address;
	} else if (k == SKW_ECHO_INTERVAL || k == SKW_ECHO_FAILURE) {
		*(k == SKW_ECHO_INTERVAL ? &c->echo_interval : &c->echo_failure) = v->number;
	} else {
		char **path = k == SKW_LEASE_DIR ? &c->lease_dir : &c->log_file;
		free(*path);
		*path = xstrdup(v->text);
	}
}

/* The keywords any section may hold whose value is kept as it is. */
static void set_section(struct server_conf *c, struct section *s, int k, const struct kw_place *at,
                        const struct kw_value *v)
{
	(void)c;
	(void)at;
	if (k == SKW_ADDRESS)
		s->address = v->address;
	else if (k == SKW_MTU || k == SKW_MRU)
		*(k == SKW_MTU ? &s->mtu : &s->mru) = v->number;
	else
		*(k == SKW_PAP          ? &s->pap
		  : k == SKW_PROXYARP   ? &s->proxyarp
		  : k == SKW_MASQUERADE ? &s->masquerade
		                        : &s->forwarding) = v->yes;
}

static void set_dns(struct server_conf *c, struct section *s, int k, const struct kw_place *at,
                    const struct kw_value *v)
{
	(void)c;
	(void)k;
	if (s->dns_count == SERVER_DNS_MAX)
		kw_error(at, "dns: '%s' is a third address; pppd offers at most two", v->text);
	else
		s->dns[s->dns_count++] = v->address;
}

static void set_route(struct server_conf *c, struct section *s, int k, const struct kw_place *at,
                      const struct kw_value *v)
{
	(void)c;
	if (v->network.prefixlen == 0)
		kw_error(at, "route: '%s' is the default route, which a key cannot take over",
		         v->text);
	else
		kw_networks_add(&s->routes, keywords[k].name, at, v);
}

/* IPv6 through the links: each end's address is the prefix with its IPv4 address as the
 * last 32 bits (cidr_ipv6_host), so the prefix must leave them room. */
static void set_ipv6_prefix(struct server_conf *c, struct section *s, int k,
                            const struct kw_place *at, const struct kw_value *v)
{
	(void)c;
	(void)k;
	if (!cidr_ipv6_prefix_ok(&v->network))
		kw_error(
		    at,
		    "ipv6-prefix: '%s' is not an IPv6 prefix of /96 or shorter; write it as in "
		    "'ipv6-prefix fd83:1::/64' (each end's IPv4 address becomes its last 32 bits)",
		    v->text);
	else
		s->ipv6_prefix = v->network;
}

/* Indexed by enum skw, beside the table; 'key' opens a section instead (start_key). */
static set_fn *const setters[SKW_COUNT] = {
    [SKW_LOCAL_ADDRESS] = set_server, [SKW_POOL] = set_pool,
    [SKW_ECHO_INTERVAL] = set_server, [SKW_ECHO_FAILURE] = set_server,
    [SKW_LEASE_DIR] = set_server,     [SKW_LOG_FILE] = set_server,
    [SKW_ADDRESS] = set_section,      [SKW_ROUTE] = set_route,
    [SKW_PAP] = set_section,          [SKW_MTU] = set_section,
    [SKW_MRU] = set_section,          [SKW_DNS] = set_dns,
    [SKW_PROXYARP] = set_section,     [SKW_FORWARDING] = set_section,
    [SKW_MASQUERADE] = set_section,   [SKW_IPV6_PREFIX] = set_ipv6_prefix,
};

/* ---- keywords ---- */

/* A few words people bring from pppd or from other VPN servers. */
static const char *known_alias(const char *name)
{
	static const char *const alias[][2] = {
	    {"ms-dns", "dns"},
	    {"ip", "address"},
	    {"remote-address", "address"},
	    {"require-pap", "pap"},
	    {"noauth", "pap"},
	    {"echo-interval", "lcp-echo-interval"},
	    {"name", "key"},
	    {"lcp-echo", "lcp-echo-interval"},
	};
	for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (strcasecmp(name, alias[i][0]) == 0)
			return alias[i][1];
	return kw_closest(&table, name);
}

void server_conf_unknown_keyword(const struct kw_place *at, const char *name, bool line)
{
	const char *instead = known_alias(name);
	if (instead)
		kw_error(at, "unknown %s '%s'; did you mean '%s'?", line ? "option" : "keyword",
		         name, instead);
	else
		kw_error(at, "unknown %s '%s'; see sshdial-server(5)", line ? "option" : "keyword",
		         name);
}

static bool check_scope(const struct kw_place *at, int k, unsigned scope)
{
	if (keywords[k].places & scope)
		return true;
	if (scope == IN_KEY)
		kw_error(at, "%s: a server-wide setting; move it above the first 'key' line",
		         keywords[k].name);
	else if (scope == IN_SERVER)
		kw_error(at, "%s: only in a 'key NAME' section, which says whose it is",
		         keywords[k].name);
	else
		kw_error(at,
		         "%s: not allowed on an authorized_keys line; set it in the key's section "
		         "of %s",
		         keywords[k].name, SERVER_CONF_PATH);
	return false;
}

/* Keyword k into section s (and, server-wide, into c).  False after an error. */
bool server_conf_apply(struct server_conf *c, struct section *s, unsigned scope,
                       const struct kw_place *at, int k, const char *value)
{
	size_t before = diag_count(at->d);
	struct kw_value v;
	if (check_scope(at, k, scope) && kw_take(&table, k, at, &s->given[k], value, &v))
		setters[k](c, s, k, at, &v);
	return diag_count(at->d) == before;
}

/* ---- the reader ---- */

void server_conf_section_free(struct section *s)
{
	free(s->name);
	kw_networks_free(&s->routes);
}

void server_conf_free(struct server_conf *c)
{
	if (!c)
		return;
	server_conf_section_free(&c->server);
	for (size_t i = 0; i < c->key_count; i++)
		server_conf_section_free(&c->keys[i]);
	free(c->keys);
	free(c->file);
	free(c->lease_dir);
	free(c->log_file);
	free(c);
}

struct server_conf_reader *server_conf_read_init(const char *file, struct diag *d)
{
	struct server_conf_reader *r = xcalloc(1, sizeof(*r));
	r->c = xcalloc(1, sizeof(*r->c));
	r->c->file = xstrdup(file);
	r->c->echo_interval = 10;
	r->c->echo_failure = 3;
	r->d = d;
	r->errors_before = diag_count(d);
	return r;
}

const struct section *server_conf_find_key(const struct server_conf *c, const char *name)
{
	for (size_t i = 0; i < c->key_count; i++)
		if (strcmp(c->keys[i].name, name) == 0)
			return &c->keys[i];
	return NULL;
}

static void start_key(struct server_conf_reader *r, const struct kw_place *at, const char *name)
{
	struct server_conf *c = r->c;
	const struct section *other = server_conf_find_key(c, name);
	if (!server_key_name_valid(name)) {
		kw_error(
		    at,
		    "key: '%s' is not a valid key name; use at most 32 letters, digits, '.', '_' "
		    "and '-', not starting with '.'",
		    name);
	} else if (other) {
		kw_error(at, "key: '%s' given twice (first at line %u)", name, other->line);
	}
	/* A bad section is still opened, so that its lines are not taken as server-wide. */
	c->keys = xrealloc(c->keys, c->key_count + 1, sizeof(*c->keys));
	c->keys[c->key_count] = (struct section){.name = xstrdup(name), .line = at->line};
	c->key_count++;
}

void server_conf_read_line(struct server_conf_reader *r, const char *line, unsigned lineno)
{
	struct server_conf *c = r->c;
	const struct kw_place at = {r->d, c->file, lineno};
	struct kw_line l;
	int n = kw_read_line(&table, &at, line, &l);
	if (n < 0)
		server_conf_unknown_keyword(&at, l.key, false);
	else if (n > 0 && l.k == SKW_KEY)
		start_key(r, &at, l.value);
	else if (n > 0 && c->key_count == 0)
		server_conf_apply(c, &c->server, IN_SERVER, &at, l.k, l.value);
	else if (n > 0)
		server_conf_apply(NULL, &c->keys[c->key_count - 1], IN_KEY, &at, l.k, l.value);
	kw_line_free(&l);
}

/* Every fixed address: in the pool, not the server's, not another key's. */
static void check_addresses(struct server_conf_reader *r)
{
	struct server_conf *c = r->c;
	char pool[CIDR_STRLEN], a[INET_ADDRSTRLEN];
	cidr_format(&c->pool, pool, sizeof(pool));
	for (size_t i = 0; i < c->key_count; i++) {
		const struct section *s = &c->keys[i];
		const struct kw_place at = {r->d, c->file, s->given[SKW_ADDRESS]};
		if (!s->given[SKW_ADDRESS])
			continue;
		inet_ntop(AF_INET, &s->address, a, sizeof(a));
		if (!host_of(&c->pool, s->address)) {
			kw_error(&at, "address: %s is outside the pool %s (line %u)", a, pool,
			         c->server.given[SKW_POOL]);
			continue;
		}
		if (s->address.s_addr == c->local.s_addr) {
			kw_error(&at, "address: %s is the server's own address", a);
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			if (c->keys[j].given[SKW_ADDRESS] &&
			    c->keys[j].address.s_addr == s->address.s_addr) {
				kw_error(&at, "address: %s is key '%s''s address too (line %u)", a,
				         c->keys[j].name, c->keys[j].given[SKW_ADDRESS]);
				break;
			}
		}
	}
}

static void check_server(struct server_conf_reader *r)
{
	struct server_conf *c = r->c;
	const struct kw_place whole = {r->d, c->file, 0};
	if (!c->server.given[SKW_POOL]) {
		kw_error(&whole, "pool: missing; name the tunnel network the client addresses come "
		                 "from, as in 'pool 192.168.77.0/24'");
		return;
	}
	if (c->pool.family != AF_INET)
		return; /* the pool line had an error of its own */
	if (!c->server.given[SKW_LOCAL_ADDRESS]) {
		uint32_t base;
		memcpy(&base, c->pool.addr, 4);
		c->local.s_addr = htonl(ntohl(base) + 1);
	} else if (!host_of(&c->pool, c->local)) {
		char a[INET_ADDRSTRLEN], pool[CIDR_STRLEN];
		const struct kw_place at = {r->d, c->file, c->server.given[SKW_LOCAL_ADDRESS]};
		inet_ntop(AF_INET, &c->local, a, sizeof(a));
		cidr_format(&c->pool, pool, sizeof(pool));
		kw_error(&at, "local-address: %s is not a host address of the pool %s", a, pool);
		return;
	}
	check_addresses(r);
}

struct server_conf *server_conf_read_finish(struct server_conf_reader *r)
{
	struct server_conf *c = r->c;
	check_server(r);
	if (!c->lease_dir)
		c->lease_dir = xstrdup(SERVER_LEASE_DIR);
	bool failed = diag_count(r->d) > r->errors_before;
	free(r);
	if (failed) {
		server_conf_free(c);
		return NULL;
	}
	return c;
}

/* Drops a reader and what it read so far, with no check of the whole. */
static void server_conf_read_abort(struct server_conf_reader *r)
{
	server_conf_free(r->c);
	free(r);
}

static void server_conf_file_line(void *arg, const char *line, unsigned lineno)
{
	server_conf_read_line(arg, line, lineno);
}

struct server_conf *server_conf_load(const char *path, struct diag *d)
{
	struct server_conf_reader *r = server_conf_read_init(path, d);
	if (lines_read(path, d, server_conf_file_line, r) < 0) {
		server_conf_read_abort(r);
		return NULL;
	}
	return server_conf_read_finish(r);
}

/* ---- accessors ---- */

const struct cidr *server_conf_pool(const struct server_conf *c)
{
	return &c->pool;
}

struct in_addr server_conf_local(const struct server_conf *c)
{
	return c->local;
}

unsigned server_conf_echo_interval(const struct server_conf *c)
{
	return c->echo_interval;
}

unsigned server_conf_echo_failure(const struct server_conf *c)
{
	return c->echo_failure;
}

const char *server_conf_lease_dir(const struct server_conf *c)
{
	return c->lease_dir;
}

const char *server_conf_log_file(const struct server_conf *c)
{
	return c->log_file;
}

bool server_conf_has_key(const struct server_conf *c, const char *name)
{
	return server_conf_find_key(c, name) != NULL;
}

bool server_conf_in_pool(const struct server_conf *c, struct in_addr a)
{
	return host_of(&c->pool, a) && a.s_addr != c->local.s_addr;
}

bool server_conf_address_fixed(const struct server_conf *c, struct in_addr a)
{
	for (size_t i = 0; i < c->key_count; i++)
		if (c->keys[i].given[SKW_ADDRESS] && c->keys[i].address.s_addr == a.s_addr)
			return true;
	return false;
}
