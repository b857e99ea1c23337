#include "server_conf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lines.h"
#include "words.h"
#include "xalloc.h"

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
	SKW_COUNT
};

/* Where a keyword may be given. */
enum scope { IN_SERVER = 1, IN_KEY = 2, IN_LINE = 4 };

static const struct {
	const char *name;
	const char *usage;
	unsigned scopes;
	bool repeatable;
} keywords[SKW_COUNT] = {
    [SKW_LOCAL_ADDRESS] = {"local-address", "local-address ADDRESS", IN_SERVER, false},
    [SKW_POOL] = {"pool", "pool ADDRESS/PREFIX", IN_SERVER, false},
    [SKW_ECHO_INTERVAL] = {"lcp-echo-interval", "lcp-echo-interval SECONDS", IN_SERVER, false},
    [SKW_ECHO_FAILURE] = {"lcp-echo-failure", "lcp-echo-failure N", IN_SERVER, false},
    [SKW_LEASE_DIR] = {"lease-dir", "lease-dir PATH", IN_SERVER, false},
    [SKW_LOG_FILE] = {"log-file", "log-file PATH", IN_SERVER, false},
    [SKW_KEY] = {"key", "key NAME", IN_SERVER | IN_KEY, true},
    [SKW_ADDRESS] = {"address", "address ADDRESS", IN_KEY | IN_LINE, false},
    [SKW_ROUTE] = {"route", "route ADDRESS/PREFIX", IN_KEY, true},
    [SKW_PAP] = {"pap", "pap yes|no", IN_SERVER | IN_KEY | IN_LINE, false},
    [SKW_MTU] = {"mtu", "mtu BYTES", IN_SERVER | IN_KEY | IN_LINE, false},
    [SKW_MRU] = {"mru", "mru BYTES", IN_SERVER | IN_KEY | IN_LINE, false},
    [SKW_DNS] = {"dns", "dns ADDRESS", IN_SERVER | IN_KEY | IN_LINE, true},
    [SKW_PROXYARP] = {"proxyarp", "proxyarp yes|no", IN_SERVER | IN_KEY | IN_LINE, false},
    [SKW_FORWARDING] = {"forwarding", "forwarding yes|no", IN_SERVER | IN_KEY, false},
};

/* Settings given in one place: the server-wide part, a key section, or a key's line. */
struct section {
	char *name;
	unsigned line;
	unsigned given[SKW_COUNT]; /* the line of the first use, 0 when not given */
	struct in_addr address;
	unsigned mtu, mru;
	unsigned dns_count;
	struct in_addr dns[SERVER_DNS_MAX];
	bool pap, proxyarp, forwarding;
	struct cidr *routes;
	unsigned *route_lines;
	size_t route_count;
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

struct server_conf_reader {
	struct server_conf *c;
	struct diag *d;
	size_t errors_before;
};

/* Where a value is being read, for messages. */
struct place {
	struct diag *d;
	const char *file;
	unsigned line;
};

static void error(const struct place *at, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void error(const struct place *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_add(at->d, at->file, at->line, "%s", msg);
	free(msg);
}

bool server_key_name_valid(const char *name)
{
	size_t n = strlen(name);
	return n > 0 && n <= SERVER_KEY_NAME_MAX && name[0] != '.' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
	           n;
}

/* ---- values ---- */

static bool parse_ipv4(const char *v, struct in_addr *out)
{
	return inet_pton(AF_INET, v, out) == 1;
}

static bool parse_unsigned(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
	size_t n = strspn(v, "0123456789");
	if (n == 0 || n > 6 || v[n] != '\0')
		return false;
	unsigned long x = strtoul(v, NULL, 10);
	if (x < lo || x > hi)
		return false;
	*out = (unsigned)x;
	return true;
}

static bool parse_bool(const char *v, bool *out)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 || strcasecmp(v, "on") == 0)
		*out = true;
	else if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 ||
	         strcasecmp(v, "off") == 0)
		*out = false;
	else
		return false;
	return true;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if (iscntrl((unsigned char)*s))
			return true;
	return false;
}

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

static void set_pool(struct server_conf *c, const struct place *at, const char *v)
{
	struct cidr net;
	enum cidr_status st = cidr_parse_status(v, &net);
	if (st == CIDR_HOST_BITS) {
		char buf[CIDR_STRLEN];
		cidr_format(&net, buf, sizeof(buf));
		error(at, "pool: '%s' has host bits set; did you mean '%s'?", v, buf);
	} else if (st != CIDR_OK || net.family != AF_INET || !strchr(v, '/')) {
		error(at,
		      "pool: '%s' is not an IPv4 network; write it as in 'pool 192.168.77.0/24'",
		      v);
	} else if (net.prefixlen < 16 || net.prefixlen > 30) {
		error(at, "pool: '%s' is too %s; use a prefix length from /16 to /30", v,
		      net.prefixlen < 16 ? "large" : "small");
	} else {
		c->pool = net;
	}
}

static void set_address(const struct place *at, int k, const char *v, struct in_addr *out)
{
	if (!parse_ipv4(v, out))
		error(at, "%s: '%s' is not an IPv4 address; write '%s'", keywords[k].name, v,
		      keywords[k].usage);
}

static void set_number(const struct place *at, int k, const char *v, unsigned lo, unsigned hi,
                       unsigned *out)
{
	if (!parse_unsigned(v, lo, hi, out))
		error(at, "%s: '%s' is not a number from %u to %u", keywords[k].name, v, lo, hi);
}

static void set_flag(const struct place *at, int k, const char *v, bool *out)
{
	if (!parse_bool(v, out))
		error(at, "%s: '%s' is not yes or no", keywords[k].name, v);
}

static void set_path(const struct place *at, int k, const char *v, char **out)
{
	if (v[0] != '/') {
		error(at, "%s: '%s' is not an absolute path; write it from /", keywords[k].name, v);
		return;
	}
	free(*out);
	*out = xstrdup(v);
}

static void set_dns(struct section *s, const struct place *at, const char *v)
{
	struct in_addr a;
	if (!parse_ipv4(v, &a)) {
		error(at, "dns: '%s' is not an IPv4 address; write 'dns ADDRESS'", v);
		return;
	}
	if (s->dns_count == SERVER_DNS_MAX) {
		error(at, "dns: '%s' is a third address; pppd offers at most two", v);
		return;
	}
	s->dns[s->dns_count++] = a;
}

static void set_route(struct section *s, const struct place *at, const char *v)
{
	struct cidr c;
	enum cidr_status st = cidr_parse_status(v, &c);
	if (st == CIDR_HOST_BITS) {
		char buf[CIDR_STRLEN];
		cidr_format(&c, buf, sizeof(buf));
		error(at, "route: '%s' has host bits set; did you mean '%s'?", v, buf);
		return;
	}
	if (st != CIDR_OK) {
		error(at,
		      "route: '%s' is not a network; write ADDRESS/PREFIX, as in '10.1.0.0/16' or "
		      "'2001:db8::/32'",
		      v);
		return;
	}
	if (c.prefixlen == 0) {
		error(at, "route: '%s' is the default route, which a key cannot take over", v);
		return;
	}
	for (size_t i = 0; i < s->route_count; i++) {
		if (cidr_equal(&s->routes[i], &c)) {
			error(at, "route: '%s' given twice (first at line %u)", v,
			      s->route_lines[i]);
			return;
		}
	}
	s->routes = xrealloc(s->routes, s->route_count + 1, sizeof(*s->routes));
	s->route_lines = xrealloc(s->route_lines, s->route_count + 1, sizeof(*s->route_lines));
	s->routes[s->route_count] = c;
	s->route_lines[s->route_count++] = at->line;
}

/* Keywords that any section may hold. */
static void set_section_value(struct section *s, const struct place *at, int k, const char *v)
{
	switch (k) {
	case SKW_ADDRESS:
		set_address(at, k, v, &s->address);
		break;
	case SKW_ROUTE:
		set_route(s, at, v);
		break;
	case SKW_PAP:
		set_flag(at, k, v, &s->pap);
		break;
	case SKW_MTU:
		set_number(at, k, v, 128, 16384, &s->mtu);
		break;
	case SKW_MRU:
		set_number(at, k, v, 128, 16384, &s->mru);
		break;
	case SKW_DNS:
		set_dns(s, at, v);
		break;
	case SKW_PROXYARP:
		set_flag(at, k, v, &s->proxyarp);
		break;
	case SKW_FORWARDING:
		set_flag(at, k, v, &s->forwarding);
		break;
	default:
		break;
	}
}

static void set_server_value(struct server_conf *c, const struct place *at, int k, const char *v)
{
	switch (k) {
	case SKW_LOCAL_ADDRESS:
		set_address(at, k, v, &c->local);
		break;
	case SKW_POOL:
		set_pool(c, at, v);
		break;
	case SKW_ECHO_INTERVAL:
		set_number(at, k, v, 1, 3600, &c->echo_interval);
		break;
	case SKW_ECHO_FAILURE:
		set_number(at, k, v, 1, 100, &c->echo_failure);
		break;
	case SKW_LEASE_DIR:
		set_path(at, k, v, &c->lease_dir);
		break;
	case SKW_LOG_FILE:
		set_path(at, k, v, &c->log_file);
		break;
	default:
		set_section_value(&c->server, at, k, v);
	}
}

/* ---- keywords ---- */

static int find_keyword(const char *name)
{
	for (int k = 0; k < SKW_COUNT; k++)
		if (strcasecmp(keywords[k].name, name) == 0)
			return k;
	return -1;
}

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
	return NULL;
}

static void unknown_keyword(const struct place *at, const char *name, bool line)
{
	const char *instead = known_alias(name);
	if (instead)
		error(at, "unknown %s '%s'; did you mean '%s'?", line ? "option" : "keyword", name,
		      instead);
	else
		error(at, "unknown %s '%s'; see sshdial-server(5)", line ? "option" : "keyword",
		      name);
}

static bool check_scope(const struct place *at, int k, unsigned scope)
{
	if (keywords[k].scopes & scope)
		return true;
	if (scope == IN_KEY)
		error(at, "%s: a server-wide setting; move it above the first 'key' line",
		      keywords[k].name);
	else if (scope == IN_SERVER)
		error(at, "%s: only in a 'key NAME' section, which says whose it is",
		      keywords[k].name);
	else
		error(at,
		      "%s: not allowed on an authorized_keys line; set it in the key's section of "
		      "%s",
		      keywords[k].name, SERVER_CONF_PATH);
	return false;
}

/* One keyword into section s (and, server-wide, into c).  False after an error. */
static bool apply(struct server_conf *c, struct section *s, unsigned scope, const struct place *at,
                  const char *name, const char *v)
{
	int k = find_keyword(name);
	size_t before = diag_count(at->d);
	if (k < 0) {
		unknown_keyword(at, name, scope == IN_LINE);
		return false;
	}
	if (!check_scope(at, k, scope))
		return false;
	if (*v == '\0' || has_control(v)) {
		error(at, "%s: %s; write '%s'", keywords[k].name,
		      *v ? "the value contains a control character" : "empty value",
		      keywords[k].usage);
		return false;
	}
	if (!keywords[k].repeatable && s->given[k]) {
		if (at->line)
			error(at, "%s: given twice (first at line %u)", keywords[k].name,
			      s->given[k]);
		else
			error(at, "%s: given twice", keywords[k].name);
		return false;
	}
	if (!s->given[k])
		s->given[k] = at->line ? at->line : 1;
	if (c)
		set_server_value(c, at, k, v);
	else
		set_section_value(s, at, k, v);
	return diag_count(at->d) == before;
}

/* ---- the reader ---- */

static void section_free(struct section *s)
{
	free(s->name);
	free(s->routes);
	free(s->route_lines);
}

void server_conf_free(struct server_conf *c)
{
	if (!c)
		return;
	section_free(&c->server);
	for (size_t i = 0; i < c->key_count; i++)
		section_free(&c->keys[i]);
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

static const struct section *find_key(const struct server_conf *c, const char *name)
{
	for (size_t i = 0; i < c->key_count; i++)
		if (strcmp(c->keys[i].name, name) == 0)
			return &c->keys[i];
	return NULL;
}

static void start_key(struct server_conf_reader *r, const struct place *at, const char *name)
{
	struct server_conf *c = r->c;
	const struct section *other = find_key(c, name);
	if (!server_key_name_valid(name)) {
		error(at,
		      "key: '%s' is not a valid key name; use at most 32 letters, digits, '.', '_' "
		      "and '-', not starting with '.'",
		      name);
	} else if (other) {
		error(at, "key: '%s' given twice (first at line %u)", name, other->line);
	}
	/* A bad section is still opened, so that its lines are not taken as server-wide. */
	c->keys = xrealloc(c->keys, c->key_count + 1, sizeof(*c->keys));
	c->keys[c->key_count] = (struct section){.name = xstrdup(name), .line = at->line};
	c->key_count++;
}

void server_conf_read_line(struct server_conf_reader *r, const char *line, unsigned lineno)
{
	const struct place at = {r->d, r->c->file, lineno};
	const char *why;
	struct strv *w = words_split(line, &why);
	if (!w) {
		error(&at, "%s", why);
		return;
	}
	size_t n = strv_len(w);
	const char *name = n ? strv_get(w, 0) : NULL;
	int k = name ? find_keyword(name) : -1;
	if (n == 0) {
		/* a blank or comment line */
	} else if (n == 1) {
		if (k < 0)
			unknown_keyword(&at, name, false);
		else
			error(&at, "%s: missing value; write '%s'", keywords[k].name,
			      keywords[k].usage);
	} else if (n > 2) {
		error(&at, "%s: unexpected '%s' after '%s'; one value per line", name,
		      strv_get(w, 2), strv_get(w, 1));
	} else if (k == SKW_KEY) {
		start_key(r, &at, strv_get(w, 1));
	} else if (r->c->key_count == 0) {
		apply(r->c, &r->c->server, IN_SERVER, &at, name, strv_get(w, 1));
	} else {
		apply(NULL, &r->c->keys[r->c->key_count - 1], IN_KEY, &at, name, strv_get(w, 1));
	}
	strv_free(w);
}

/* Every fixed address: in the pool, not the server's, not another key's. */
static void check_addresses(struct server_conf_reader *r)
{
	struct server_conf *c = r->c;
	char pool[CIDR_STRLEN], a[INET_ADDRSTRLEN];
	cidr_format(&c->pool, pool, sizeof(pool));
	for (size_t i = 0; i < c->key_count; i++) {
		const struct section *s = &c->keys[i];
		const struct place at = {r->d, c->file, s->given[SKW_ADDRESS]};
		if (!s->given[SKW_ADDRESS])
			continue;
		inet_ntop(AF_INET, &s->address, a, sizeof(a));
		if (!host_of(&c->pool, s->address)) {
			error(&at, "address: %s is outside the pool %s (line %u)", a, pool,
			      c->server.given[SKW_POOL]);
			continue;
		}
		if (s->address.s_addr == c->local.s_addr) {
			error(&at, "address: %s is the server's own address", a);
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			if (c->keys[j].given[SKW_ADDRESS] &&
			    c->keys[j].address.s_addr == s->address.s_addr) {
				error(&at, "address: %s is key '%s''s address too (line %u)", a,
				      c->keys[j].name, c->keys[j].given[SKW_ADDRESS]);
				break;
			}
		}
	}
}

static void check_server(struct server_conf_reader *r)
{
	struct server_conf *c = r->c;
	const struct place whole = {r->d, c->file, 0};
	if (!c->server.given[SKW_POOL]) {
		error(&whole, "pool: missing; name the tunnel network the client addresses come "
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
		const struct place at = {r->d, c->file, c->server.given[SKW_LOCAL_ADDRESS]};
		inet_ntop(AF_INET, &c->local, a, sizeof(a));
		cidr_format(&c->pool, pool, sizeof(pool));
		error(&at, "local-address: %s is not a host address of the pool %s", a, pool);
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
	return find_key(c, name) != NULL;
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

/* ---- a key's authorized_keys options, and resolving ---- */

struct key_options *key_options_new(void)
{
	return xcalloc(1, sizeof(struct key_options));
}

void key_options_free(struct key_options *o)
{
	if (!o)
		return;
	section_free(&o->s);
	free(o);
}

bool key_options_add(struct key_options *o, const char *keyword, const char *value,
                     const char *file, unsigned line, struct diag *d)
{
	const struct place at = {d, file, line};
	return apply(NULL, &o->s, IN_LINE, &at, keyword, value);
}

static bool check_line_address(const struct section *s, const struct server_conf *c,
                               const char *name, const struct place *at)
{
	char a[INET_ADDRSTRLEN], pool[CIDR_STRLEN];
	if (!s->given[SKW_ADDRESS])
		return true;
	inet_ntop(AF_INET, &s->address, a, sizeof(a));
	cidr_format(&c->pool, pool, sizeof(pool));
	if (!server_conf_in_pool(c, s->address)) {
		error(at, "address: %s is outside the pool %s of %s%s", a, pool, c->file,
		      s->address.s_addr == c->local.s_addr ? " (it is the server's own address)"
		                                           : "");
		return false;
	}
	for (size_t i = 0; i < c->key_count; i++) {
		const struct section *k = &c->keys[i];
		if (k->given[SKW_ADDRESS] && k->address.s_addr == s->address.s_addr &&
		    strcmp(k->name, name) != 0) {
			error(at, "address: %s is key '%s''s address in %s (line %u)", a, k->name,
			      c->file, k->given[SKW_ADDRESS]);
			return false;
		}
	}
	return true;
}

bool key_options_check(const struct key_options *o, const struct server_conf *c, const char *name,
                       const char *file, unsigned line, struct diag *d)
{
	const struct place at = {d, file, line};
	return check_line_address(&o->s, c, name, &at);
}

/* Copies what s gives over out. */
static void overlay(struct key_settings *out, const struct section *s)
{
	if (s->given[SKW_ADDRESS]) {
		out->has_address = true;
		out->address = s->address;
	}
	if (s->given[SKW_MTU])
		out->mtu = s->mtu;
	if (s->given[SKW_MRU])
		out->mru = s->mru;
	if (s->given[SKW_DNS]) {
		out->dns_count = s->dns_count;
		memcpy(out->dns, s->dns, sizeof(out->dns));
	}
	if (s->given[SKW_PAP])
		out->pap = s->pap;
	if (s->given[SKW_PROXYARP])
		out->proxyarp = s->proxyarp;
	if (s->given[SKW_FORWARDING])
		out->forwarding = s->forwarding;
	if (s->given[SKW_ROUTE]) {
		out->route_count = s->route_count;
		out->routes = s->routes;
	}
}

bool server_conf_resolve(const struct server_conf *c, const char *name,
                         const struct key_options *line, const char *line_file, unsigned line_no,
                         struct key_settings *out, struct diag *d)
{
	*out = (struct key_settings){0};
	snprintf(out->name, sizeof(out->name), "%s", name);
	overlay(out, &c->server);
	if (line) {
		const struct place at = {d, line_file, line_no};
		const struct section *own = find_key(c, name);
		/* The section's address replaces the line's: no need to check the line's. */
		if (!(own && own->given[SKW_ADDRESS]) &&
		    !check_line_address(&line->s, c, name, &at))
			return false;
		overlay(out, &line->s);
	}
	const struct section *s = find_key(c, name);
	if (s)
		overlay(out, s);
	return true;
}
