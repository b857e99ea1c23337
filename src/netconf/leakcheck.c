/* Four probes (leakcheck.h).  The verdicts:
 *   ordinary, DNS, IPv6:  through a PPP interface, or unreachable (the kill switch, IPv6
 *                         without IPv6 on the link): ok; any other interface: LEAK.
 *   ssh's connection:     outside the link: ok; through it (ssh would tunnel into itself)
 *                         or unreachable: LEAK, since the link could not come back. */
#include "netconf/leakcheck.h"

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

uint32_t leakcheck_probe_uid(uint32_t ssh_uid)
{
	return ssh_uid == NOBODY_UID ? NOBODY_UID - 1 : NOBODY_UID;
}

/* A query sent bound to an interface (IP_UNICAST_IF): it leaves there, routed or not. */
static int probe_bound(const struct dns_target *d, FILE *out)
{
	char dst[INET6_ADDRSTRLEN];
	struct net_path p = {.ifindex = d->ifindex};

	snprintf(p.ifname, sizeof(p.ifname), "%s", d->ifname);
	format_addr(&d->addr, dst, sizeof(dst));
	bool link = is_ppp(&p);
	fprintf(out, "DNS query to %s: sent bound to %s by systemd-resolved: %s\n", dst, d->ifname,
	        link ? "ok, through the link" : "LEAK: outside the link, whatever the routes say");
	return !link;
}

/* The DNS probes: each server the resolver uses; none is no leak. */
static int probe_dns(const struct leakcheck_input *in, uint32_t uid, FILE *out)
{
	int leaks = 0;

	if (in->ndns == 0)
		fprintf(out, "DNS: %s names no server: no query leaves\n",
		        in->dns_source ? in->dns_source : "the resolver");
	for (size_t i = 0; i < in->ndns; i++) {
		const struct dns_target *d = &in->dns[i];
		struct routeq q = {.dst = d->addr,
		                   .has_uid = true,
		                   .uid = uid,
		                   .ipproto = IPPROTO_UDP,
		                   .dport = 53};
		int r = d->ifindex > 0 ? probe_bound(d, out) : probe("DNS query", &q, false, out);
		if (r < 0)
			return -1;
		leaks += r;
	}
	return leaks;
}

int leakcheck_run(const struct leakcheck_input *in, FILE *out)
{
	uint32_t uid = leakcheck_probe_uid(in->ssh_uid);
	struct routeq ordinary = {.dst = addr_of(ORDINARY_V4), .has_uid = true, .uid = uid};
	struct routeq v6 = {.dst = addr_of(ORDINARY_V6), .has_uid = true, .uid = uid};
	struct routeq ssh = {.dst = in->server,
	                     .has_uid = true,
	                     .uid = in->ssh_uid,
	                     .ipproto = IPPROTO_TCP,
	                     .dport = in->ssh_port};
	int leaks = 0, r;

	fprintf(out, "probing as uid %u (neither root nor local-user's uid %u)\n", uid,
	        in->ssh_uid);
	if ((r = probe("ordinary packet", &ordinary, false, out)) < 0)
		return -1;
	leaks += r;
	if (in->dns_source)
		fprintf(out, "DNS servers from %s\n", in->dns_source);
	if ((r = probe_dns(in, uid, out)) < 0)
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
