/* Four probes (leakcheck.h).  The verdicts:
 *   ordinary, DNS, IPv6:  through a PPP interface, or unreachable (the kill switch, IPv6
 *                         without IPv6 on the link): ok; any other interface: LEAK.
 *   ssh's connection:     outside the link: ok; through it (ssh would tunnel into itself)
 *                         or unreachable: LEAK, since the link could not come back. */
#include "net/leakcheck.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "net/routeq.h"

/* Ordinary destinations: documentation addresses (RFC 5737, RFC 3849) stand for the
 * internet; nothing is sent to them. */
#define ORDINARY_V4 "198.51.100.1"
#define ORDINARY_V6 "2001:db8::1"
#define NOBODY_UID 65534u

static bool is_ppp(const struct net_path *p)
{
	char path[64], buf[16] = "";

	if (p->ifindex <= 0 || !p->ifname[0])
		return false;
	snprintf(path, sizeof(path), "/sys/class/net/%s/type", p->ifname);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	return ok && strtol(buf, NULL, 10) == ARPHRD_PPP;
}

static struct net_addr addr_of(const char *text)
{
	struct net_addr a = {0};
	int family = strchr(text, ':') ? AF_INET6 : AF_INET;

	if (inet_pton(family, text, &a.u) == 1)
		a.family = family;
	return a;
}

static void format_addr(const struct net_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family, &a->u, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

/* One probe: 1 when it leaks, 0 when not, -1 when the kernel could not be asked. */
static int probe(const char *what, const struct routeq *q, bool want_outside, FILE *out)
{
	struct routeq_answer a;
	char dst[INET6_ADDRSTRLEN], path[NET_PATH_STRLEN];

	format_addr(&q->dst, dst, sizeof(dst));
	if (routeq_lookup(q, &a) < 0) {
		fprintf(out, "%s to %s: cannot ask the kernel: %s\n", what, dst, strerror(errno));
		return -1;
	}
	if (a.err) {
		fprintf(out, "%s to %s: unreachable (%s): %s\n", what, dst, strerror(a.err),
		        want_outside ? "LEAK: ssh could not reach its server" : "ok");
		return want_outside;
	}
	net_path_format(&a.path, path, sizeof(path));
	bool link = is_ppp(&a.path);
	const char *verdict =
	    want_outside
	        ? (link ? "LEAK: ssh would tunnel into its own link" : "ok, outside the link")
	        : (link ? "ok, through the link" : "LEAK: outside the link");
	fprintf(out, "%s to %s: %s: %s\n", what, dst, path, verdict);
	return want_outside == link;
}

int leakcheck_run(const struct leakcheck_input *in, FILE *out)
{
	struct routeq ordinary = {.dst = addr_of(ORDINARY_V4), .has_uid = true, .uid = NOBODY_UID};
	struct routeq dns = {.dst = in->resolver.family ? in->resolver : addr_of("192.0.2.53"),
	                     .has_uid = true,
	                     .uid = NOBODY_UID,
	                     .ipproto = IPPROTO_UDP,
	                     .dport = 53};
	struct routeq v6 = {.dst = addr_of(ORDINARY_V6), .has_uid = true, .uid = NOBODY_UID};
	struct routeq ssh = {.dst = in->server,
	                     .has_uid = true,
	                     .uid = in->ssh_uid,
	                     .ipproto = IPPROTO_TCP,
	                     .dport = in->ssh_port};
	int leaks = 0, r;

	if ((r = probe("ordinary packet", &ordinary, false, out)) < 0)
		return -1;
	leaks += r;
	if ((r = probe("DNS query", &dns, false, out)) < 0)
		return -1;
	leaks += r;
	if ((r = probe("IPv6 packet", &v6, false, out)) < 0)
		return -1;
	leaks += r;
	if (in->server.family) {
		if ((r = probe("ssh's connection", &ssh, true, out)) < 0)
			return -1;
		leaks += r;
	}
	return leaks;
}
