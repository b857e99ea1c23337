/* route-all's table and rules (route_all.h).  The LAN exception takes the networks the main
 * table reaches directly (scope link, no gateway) at the time the rules go in, and of those
 * only the ones inside the private and link-local ranges: a hostile network that advertises
 * a more specific public route (TunnelCrack's LocalNet) gets no exception for it. */
#include "netconf/route_all.h"

#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>

#include "lib/log.h"
#include "netconf/guard.h"

#define LAN_MAX 32

static const char *const private_ranges[] = {
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "fe80::/10", "fc00::/7",
};

static bool inside(const struct cidr *net, const struct cidr *range)
{
	if (net->family != range->family || net->prefixlen < range->prefixlen)
		return false;
	unsigned full = range->prefixlen / 8, rest = range->prefixlen % 8;
	if (memcmp(net->addr, range->addr, full) != 0)
		return false;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return rest == 0 || (net->addr[full] & mask) == (range->addr[full] & mask);
}

bool policy_lan_private(const struct cidr *net)
{
	for (size_t i = 0; i < sizeof(private_ranges) / sizeof(private_ranges[0]); i++) {
		struct cidr range;
		if (cidr_parse(private_ranges[i], &range) && inside(net, &range))
			return true;
	}
	return false;
}

/* A PPP interface (ARPHRD_PPP): sshdial's own link, or another tunnel; never the LAN. */
static bool is_ppp(int ifindex)
{
	char name[IF_NAMESIZE], path[64], buf[16] = "";

	if (ifindex <= 0 || !if_indextoname((unsigned)ifindex, name))
		return false;
	snprintf(path, sizeof(path), "/sys/class/net/%s/type", name);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	return ok && strtol(buf, NULL, 10) == ARPHRD_PPP;
}

struct lan_list {
	struct cidr net[LAN_MAX];
	size_t n;
};

static void add_connected(struct nl_object *obj, void *arg)
{
	struct rtnl_route *r = (struct rtnl_route *)obj;
	struct lan_list *lans = arg;
	struct nl_addr *dst = rtnl_route_get_dst(r);
	struct cidr c = {0};

	if (rtnl_route_get_table(r) != RT_TABLE_MAIN || rtnl_route_get_type(r) != RTN_UNICAST ||
	    rtnl_route_get_scope(r) != RT_SCOPE_LINK || !dst || nl_addr_get_prefixlen(dst) == 0 ||
	    rtnl_route_get_protocol(r) == SSHDIAL_RTPROT || lans->n == LAN_MAX)
		return;
	if (rtnl_route_get_nnexthops(r) != 1 ||
	    rtnl_route_nh_get_gateway(rtnl_route_nexthop_n(r, 0)) ||
	    is_ppp(rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(r, 0))))
		return;
	c.family = nl_addr_get_family(dst);
	c.prefixlen = nl_addr_get_prefixlen(dst);
	size_t len = nl_addr_get_len(dst);
	if (len > sizeof(c.addr) || (c.family != AF_INET && c.family != AF_INET6))
		return;
	memcpy(c.addr, nl_addr_get_binary_addr(dst), len);
	if (!policy_lan_private(&c))
		return;
	for (size_t i = 0; i < lans->n; i++)
		if (cidr_equal(&lans->net[i], &c))
			return;
	lans->net[lans->n++] = c;
}

/* IPv6 on an interface has its scope-link routes reported as universe: fe80::/64 is kept
 * by the fixed fe80::/10 exception, and allow-lan's fc00::/7 networks are those whose route
 * has no gateway. */
static void add_connected6(struct nl_object *obj, void *arg)
{
	struct rtnl_route *r = (struct rtnl_route *)obj;
	if (rtnl_route_get_family(r) == AF_INET6 && rtnl_route_get_scope(r) == RT_SCOPE_UNIVERSE)
		rtnl_route_set_scope(r, RT_SCOPE_LINK);
	add_connected(obj, arg);
}

static int connected_lans(const char *label, struct lan_list *lans)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *cache = NULL;
	int err = sk ? nl_connect(sk, NETLINK_ROUTE) : -NLE_NOMEM;

	if (err >= 0)
		err = rtnl_route_alloc_cache(sk, AF_UNSPEC, 0, &cache);
	if (err < 0) {
		log_error("%s: allow-lan: cannot list the directly connected networks: %s", label,
		          nl_geterror(err));
		nl_socket_free(sk);
		return -1;
	}
	nl_cache_foreach(cache, add_connected6, lans);
	nl_cache_free(cache);
	nl_socket_free(sk);
	return 0;
}

static int rule(struct netconf *nc, enum journal_scope scope, struct change_rule r)
{
	return netconf_rule_add(nc, scope, &r);
}

static int block_family(struct netconf *nc, enum journal_scope scope, int family,
                        const struct policy_spec *s, const struct lan_list *lans)
{
	static const uint8_t protos[] = {IPPROTO_UDP, IPPROTO_TCP};
	static const uint16_t ports[] = {53, 853};
	struct cidr any = {.family = family}, linklocal;

	if (rule(nc, scope,
	         (struct change_rule){.family = family,
	                              .priority = POLICY_PRIO_UID,
	                              .action = FR_ACT_TO_TBL,
	                              .table = RT_TABLE_MAIN,
	                              .has_uidrange = true,
	                              .uid_start = s->uid,
	                              .uid_end = s->uid}) < 0)
		return -1;
	/* Should main have no route for it, ssh's connection fails rather than falls through
	 * to the link, into itself. */
	if (rule(nc, scope,
	         (struct change_rule){.family = family,
	                              .priority = POLICY_PRIO_UID + 1,
	                              .action = FR_ACT_UNREACHABLE,
	                              .has_uidrange = true,
	                              .uid_start = s->uid,
	                              .uid_end = s->uid}) < 0)
		return -1;
	for (size_t p = 0; p < 2; p++)
		for (size_t q = 0; q < 2; q++)
			if (rule(nc, scope,
			         (struct change_rule){.family = family,
			                              .priority = POLICY_PRIO_DNS,
			                              .action = FR_ACT_TO_TBL,
			                              .table = POLICY_TABLE,
			                              .ipproto = protos[p],
			                              .dport = ports[q]}) < 0)
				return -1;
	if (family == AF_INET6 && cidr_parse("fe80::/10", &linklocal) &&
	    rule(nc, scope,
	         (struct change_rule){.family = family,
	                              .priority = POLICY_PRIO_LAN,
	                              .action = FR_ACT_TO_TBL,
	                              .table = RT_TABLE_MAIN,
	                              .has_dst = true,
	                              .dst = linklocal}) < 0)
		return -1;
	for (size_t i = 0; s->allow_lan && i < lans->n; i++) {
		if (lans->net[i].family != family ||
		    (family == AF_INET6 && cidr_equal(&lans->net[i], &linklocal)))
			continue;
		if (family == AF_INET6 && lans->net[i].addr[0] == 0xfe &&
		    (lans->net[i].addr[1] & 0xc0) == 0x80)
			continue; /* inside fe80::/10, which has its rule */
		if (rule(nc, scope,
		         (struct change_rule){.family = family,
		                              .priority = POLICY_PRIO_LAN,
		                              .action = FR_ACT_TO_TBL,
		                              .table = RT_TABLE_MAIN,
		                              .has_dst = true,
		                              .dst = lans->net[i]}) < 0)
			return -1;
	}
	if (netconf_unreachable_add(nc, scope, &any, POLICY_TABLE, POLICY_METRIC_UNREACHABLE) < 0 ||
	    rule(nc, scope,
	         (struct change_rule){.family = family,
	                              .priority = POLICY_PRIO_TABLE,
	                              .action = FR_ACT_TO_TBL,
	                              .table = POLICY_TABLE}) < 0 ||
	    (family == AF_INET && rule(nc, scope,
	                               (struct change_rule){.family = family,
	                                                    .priority = POLICY_PRIO_GATEWAY,
	                                                    .action = FR_ACT_TO_TBL,
	                                                    .table = RT_TABLE_MAIN,
	                                                    .has_uidrange = true,
	                                                    .uid_start = 0,
	                                                    .uid_end = 0,
	                                                    .has_suppress = true,
	                                                    .suppress_prefixlen = 0}) < 0) ||
	    rule(nc, scope,
	         (struct change_rule){.family = family,
	                              .priority = POLICY_PRIO_UNREACHABLE,
	                              .action = FR_ACT_UNREACHABLE}) < 0)
		return -1;
	return 0;
}

/* The guard lets through what the rules send to main: allow-lan's networks, IPv6
 * link-local with them (the rules' fe80::/10 is for neighbour discovery, which the guard
 * lets through by its ICMPv6 types). */
static int guard(struct netconf *nc, enum journal_scope scope, const struct policy_spec *s,
                 const struct lan_list *lans)
{
	struct guard_spec g = *s->guard;
	struct cidr linklocal;

	g.nlans = 0;
	for (size_t i = 0; s->allow_lan && i < lans->n && g.nlans < GUARD_LANS_MAX; i++)
		g.lans[g.nlans++] = lans->net[i];
	if (s->allow_lan && g.nlans < GUARD_LANS_MAX && cidr_parse("fe80::/10", &linklocal))
		g.lans[g.nlans++] = linklocal;
	if (s->allow_lan && lans->n >= GUARD_LANS_MAX)
		log_warn("%s: allow-lan: more than %d networks: the guard lets through only the "
		         "first",
		         s->label, GUARD_LANS_MAX - 1);
	return netconf_guard(nc, scope, &g);
}

int policy_block(struct netconf *nc, enum journal_scope scope, const struct policy_spec *s)
{
	struct lan_list lans = {.n = 0};

	if (s->allow_lan && connected_lans(s->label, &lans) < 0)
		return -1;
	for (size_t i = 0; i < lans.n; i++) {
		char net[CIDR_STRLEN];
		cidr_format(&lans.net[i], net, sizeof(net));
		log_info("%s: allow-lan: %s reached directly, not through the link", s->label, net);
	}
	if (block_family(nc, scope, AF_INET, s, &lans) < 0 ||
	    block_family(nc, scope, AF_INET6, s, &lans) < 0)
		return -1;
	return s->guard ? guard(nc, scope, s, &lans) : 0;
}

int policy_link_up(struct netconf *nc, const char *ifname, bool ipv6)
{
	struct cidr v4 = {.family = AF_INET}, v6 = {.family = AF_INET6};

	if (netconf_table_route_add(nc, JOURNAL_ATTEMPT, ifname, &v4, POLICY_TABLE,
	                            POLICY_METRIC_LINK) < 0)
		return -1;
	if (ipv6 && netconf_table_route_add(nc, JOURNAL_ATTEMPT, ifname, &v6, POLICY_TABLE,
	                                    POLICY_METRIC_LINK) < 0)
		return -1;
	return 0;
}
