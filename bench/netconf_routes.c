/* One round of bench/routes for sshdial's own path: COUNT IPv4 routes added through netconf
 * (journaled, one netlink request and ack each), counted in the kernel, then undone.  The
 * clock runs only around the adds and around the undo, so that process start, socket setup
 * and the count are left out; bench/routes times the whole process separately.
 * Output, one line: "netconf add_ns=N undo_ns=N applied=N kernel=N left=N". */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>

#include "lib/cidr.h"
#include "lib/log.h"
#include "netconf/netconf.h"

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The same networks bench/routes gives ip: 10.(100 + i/256).(i%256).0/24. */
static struct cidr *make_routes(unsigned count)
{
	struct cidr *v = calloc(count, sizeof(*v));

	for (unsigned i = 0; v && i < count; i++) {
		char s[CIDR_STRLEN];
		snprintf(s, sizeof(s), "10.%u.%u.0/24", 100 + i / 256, i % 256);
		if (!cidr_parse(s, &v[i])) {
			free(v);
			return NULL;
		}
	}
	return v;
}

/* IPv4 routes of the main table through ifindex, as the kernel has them: proof that the
 * timed adds really happened.  -1 on error. */
static int kernel_count(int ifindex)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *cache = NULL;
	int n = -1;

	if (sk && nl_connect(sk, NETLINK_ROUTE) == 0 &&
	    rtnl_route_alloc_cache(sk, AF_INET, 0, &cache) == 0) {
		n = 0;
		for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
			struct rtnl_route *r = (struct rtnl_route *)o;
			struct rtnl_nexthop *nh = rtnl_route_nexthop_n(r, 0);
			if (rtnl_route_get_table(r) == RT_TABLE_MAIN && nh &&
			    rtnl_route_nh_get_ifindex(nh) == ifindex)
				n++;
		}
	}
	nl_cache_free(cache);
	nl_socket_free(sk);
	return n;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: bench-netconf IFNAME COUNT JOURNAL\n");
		return 2;
	}
	const char *ifname = argv[1], *journal = argv[3];
	char *end;
	errno = 0;
	unsigned long count = strtoul(argv[2], &end, 10);
	if (errno || *end || count == 0 || count > 65536) {
		fprintf(stderr, "bench-netconf: COUNT must be 1..65536, not \"%s\"\n", argv[2]);
		return 2;
	}
	int ifindex = (int)if_nametoindex(ifname);
	struct cidr *routes = make_routes((unsigned)count);
	if (!ifindex || !routes) {
		fprintf(stderr, "bench-netconf: %s: %s\n", ifname,
		        ifindex ? "out of memory" : "no such interface");
		return 1;
	}
	log_open("bench-netconf", false);
	struct netconf *nc = netconf_open("bench", journal);
	if (!nc)
		return 1;

	long long t0 = now_ns();
	for (unsigned i = 0; i < count; i++)
		if (netconf_route_add(nc, ifname, &routes[i]) < 0)
			return 1; /* logged; the journal lets the next run clean up */
	long long t1 = now_ns();
	unsigned applied = netconf_applied(nc);
	int kernel = kernel_count(ifindex);

	long long t2 = now_ns();
	int failed = netconf_undo_all(nc);
	long long t3 = now_ns();
	int left = kernel_count(ifindex);

	netconf_close(nc);
	free(routes);
	printf("netconf add_ns=%lld undo_ns=%lld applied=%u kernel=%d left=%d\n", t1 - t0, t3 - t2,
	       applied, kernel, left);
	return failed || kernel != (int)count || left != 0;
}
