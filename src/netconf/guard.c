/* The guard's nft scripts: see guard.h.  Pure text, for unit tests and the journal. */
#include "netconf/guard.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/text.h"
#include "netconf/change.h"

/* The ICMPv6 the underlying network needs: router and neighbour discovery, and the
 * listener reports without which a switch that snoops MLD stops passing them.  Sending any
 * of them takes a raw socket (CAP_NET_RAW): no ordinary user can. */
static const char nd_types[] = "nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert, "
                               "mld-listener-report, mld2-listener-report";

int guard_table_name(char *buf, size_t len, const char *peer)
{
	if (!safe_name_valid(peer))
		return -1;
	int n = snprintf(buf, len, "%s%s", GUARD_TABLE_PREFIX, peer);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

bool guard_table_valid(const char *table)
{
	size_t p = sizeof(GUARD_TABLE_PREFIX) - 1;
	return strncmp(table, GUARD_TABLE_PREFIX, p) == 0 && strlen(table) < GUARD_TABLE_MAX &&
	       safe_name_valid(table + p);
}

static bool server_equal(const struct guard_server *a, const struct guard_server *b)
{
	return a->port == b->port && a->addr.family == b->addr.family &&
	       (a->addr.family == 0 || cidr_equal(&a->addr, &b->addr));
}

/* Is s among the first n, or covered by its port to any address? */
static bool has(const struct guard_spec *g, unsigned n, const struct guard_server *s)
{
	for (unsigned i = 0; i < n; i++)
		if (server_equal(&g->servers[i], s) ||
		    (g->servers[i].addr.family == 0 && g->servers[i].port == s->port))
			return true;
	return false;
}

/* Full: every entry widens to its port on any address; should the ports alone not fit,
 * local-user goes out whole (g->all), as the rules let it.  Wider, never narrower: ssh
 * must still reach each server. */
static void add(struct guard_spec *g, const struct guard_server *s)
{
	if (g->all || has(g, g->nservers, s))
		return;
	if (g->nservers < GUARD_SERVERS_MAX) {
		g->servers[g->nservers++] = *s;
		return;
	}
	unsigned n = 0;
	for (unsigned i = 0; i < g->nservers; i++) {
		struct guard_server w = {.port = g->servers[i].port};
		if (!has(g, n, &w))
			g->servers[n++] = w;
	}
	struct guard_server w = {.port = s->port};
	if (!has(g, n, &w) && n < GUARD_SERVERS_MAX)
		g->servers[n++] = w;
	else if (!has(g, n, &w))
		g->all = true;
	g->nservers = n;
}

void guard_add_server(struct guard_spec *g, const char *host, unsigned port)
{
	struct guard_server s = {.port = (uint16_t)(port ? port : 22)};
	char text[64];
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof(text)) {
		memcpy(text, host + 1, n - 2);
		text[n - 2] = '\0';
	} else {
		snprintf(text, sizeof(text), "%s", n < sizeof(text) ? host : "");
	}
	if (inet_pton(AF_INET, text, s.addr.addr) == 1) {
		s.addr.family = AF_INET;
		s.addr.prefixlen = 32;
	} else if (inet_pton(AF_INET6, text, s.addr.addr) == 1) {
		s.addr.family = AF_INET6;
		s.addr.prefixlen = 128;
	} else {
		g->dns = true;
	}
	add(g, &s);
}

/* Appends to buf at *at; false once it does not fit (and from then on). */
static bool put(char *buf, size_t len, size_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool put(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	if (*at >= len)
		return false;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *at, len - *at, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *at) {
		*at = len;
		return false;
	}
	*at += (size_t)n;
	return true;
}

static const char *family_word(int family)
{
	return family == AF_INET ? "ip" : "ip6";
}

int guard_script(const struct guard_spec *g, char *buf, size_t len)
{
	size_t at = 0;
	const char *t = g->table;

	if (!guard_table_valid(t) || g->nservers > GUARD_SERVERS_MAX || g->nlans > GUARD_LANS_MAX)
		return -1;
	/* Made if missing, so that the delete always finds it: one transaction, no gap. */
	put(buf, len, &at, "table inet %s\ndelete table inet %s\ntable inet %s {\n", t, t, t);
	put(buf, len, &at, "\tset links {\n\t\ttype ifname\n\t}\n");
	put(buf, len, &at,
	    "\tchain output {\n\t\ttype filter hook output priority filter; "
	    "policy drop;\n");
	put(buf, len, &at, "\t\toifname \"lo\" accept\n\t\toifname @links accept\n");
	if (g->all)
		put(buf, len, &at, "\t\tmeta skuid %u accept\n", g->uid);
	for (unsigned i = 0; !g->all && i < g->nservers; i++) {
		const struct guard_server *s = &g->servers[i];
		char a[INET6_ADDRSTRLEN];
		if (s->addr.family == 0) {
			put(buf, len, &at,
			    "\t\tmeta skuid %u tcp dport %u accept\n"
			    "\t\ttcp dport %u tcp flags & rst == rst accept\n",
			    g->uid, s->port, s->port);
			continue;
		}
		if ((s->addr.family != AF_INET && s->addr.family != AF_INET6) ||
		    !inet_ntop(s->addr.family, s->addr.addr, a, sizeof(a)))
			return -1;
		put(buf, len, &at, "\t\tmeta skuid %u %s daddr %s tcp dport %u accept\n", g->uid,
		    family_word(s->addr.family), a, s->port);
		/* The kernel's reset for a connection of ssh's that is gone belongs to no socket
		 * (no skuid): without it a server keeps a dead run's session, and its pppd the
		 * tunnel's address, until its own timeouts. */
		put(buf, len, &at, "\t\t%s daddr %s tcp dport %u tcp flags & rst == rst accept\n",
		    family_word(s->addr.family), a, s->port);
	}
	if (g->dns && !g->all)
		put(buf, len, &at,
		    "\t\tmeta skuid %u meta l4proto { tcp, udp } th dport 53 accept\n", g->uid);
	put(buf, len, &at,
	    "\t\tudp sport 68 udp dport 67 accept\n"
	    "\t\tudp sport 546 udp dport 547 accept\n"
	    "\t\ticmpv6 type { %s } accept\n",
	    nd_types);
	for (unsigned i = 0; i < g->nlans; i++) {
		char net[CIDR_STRLEN];
		const struct cidr *c = &g->lans[i];
		if (c->family != AF_INET && c->family != AF_INET6)
			return -1;
		cidr_format(c, net, sizeof(net));
		put(buf, len, &at, "\t\t%s daddr %s accept\n", family_word(c->family), net);
	}
	if (!put(buf, len, &at, "\t\tcounter drop\n\t}\n}\n"))
		return -1;
	return (int)at;
}

int guard_link_script(char *buf, size_t len, const char *table, const char *ifname, bool add)
{
	if (!guard_table_valid(table) || !change_ifname_valid(ifname) || strchr(ifname, '"') ||
	    strchr(ifname, '\\'))
		return -1;
	int n = snprintf(buf, len, "%s element inet %s links { \"%s\" }\n", add ? "add" : "delete",
	                 table, ifname);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

int guard_server_format(const struct guard_server *s, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	int n;

	if (s->port == 0)
		return -1;
	if (s->addr.family == 0)
		n = snprintf(buf, len, "*:%u", s->port);
	else if ((s->addr.family == AF_INET && s->addr.prefixlen == 32) ||
	         (s->addr.family == AF_INET6 && s->addr.prefixlen == 128)) {
		if (!inet_ntop(s->addr.family, s->addr.addr, a, sizeof(a)))
			return -1;
		n = snprintf(buf, len, s->addr.family == AF_INET ? "%s:%u" : "[%s]:%u", a, s->port);
	} else
		return -1;
	return n < 0 || (size_t)n >= len ? -1 : n;
}

bool guard_server_parse(const char *text, struct guard_server *out)
{
	const char *colon = strrchr(text, ':');
	char host[INET6_ADDRSTRLEN + 2];
	uint32_t port;
	struct guard_server s = {0};

	if (!colon || (size_t)(colon - text) >= sizeof(host) ||
	    !change_parse_u32(colon + 1, 65535, &port) || port == 0)
		return false;
	memcpy(host, text, (size_t)(colon - text));
	host[colon - text] = '\0';
	s.port = (uint16_t)port;
	size_t n = strlen(host);
	if (strcmp(host, "*") == 0) {
		/* any address */
	} else if (n > 2 && host[0] == '[' && host[n - 1] == ']') {
		host[n - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, s.addr.addr) != 1)
			return false;
		s.addr.family = AF_INET6;
		s.addr.prefixlen = 128;
	} else if (inet_pton(AF_INET, host, s.addr.addr) == 1) {
		s.addr.family = AF_INET;
		s.addr.prefixlen = 32;
	} else {
		return false;
	}
	*out = s;
	return true;
}
