/* A route to a network through the link's interface, no gateway: link scope, sshdial's
 * protocol, in main or (route-all) in a table of sshdial's.  Line: "IFINDEX IFNAME CIDR",
 * then "table TABLE metric METRIC" for a table other than main. */
#include "netconf/change.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>

#include "netconf/journal.h"
#include "lib/err.h"
#include "lib/log.h"
#include "net/nlreq.h"

static int format(const struct journal_entry *e, char *buf, size_t len)
{
	char dst[CIDR_STRLEN];
	int n = change_format_iface(e, buf, len);

	if (n < 0 ||
	    (e->u.route.protocol != SSHDIAL_RTPROT && e->u.route.protocol != RTPROT_STATIC))
		return -1;
	cidr_format(&e->dst, dst, sizeof(dst));
	int m = snprintf(buf + n, len - (size_t)n, " %s", dst);
	if (m >= 0 && (e->u.route.table || e->u.route.metric) && (size_t)m < len - (size_t)n) {
		if (!e->u.route.table || e->u.route.table == RT_TABLE_MAIN)
			return -1;
		m += snprintf(buf + n + m, len - (size_t)n - (size_t)m, " table %u metric %u",
		              e->u.route.table, e->u.route.metric);
	}
	return m < 0 || (size_t)m >= len - (size_t)n ? -1 : n + m;
}

static const char *parse(char **field, size_t n, struct journal_entry *out)
{
	if (n != 3 && n != 7)
		return "want IFINDEX IFNAME CIDR [table TABLE metric METRIC]";
	if (n == 7 && (strcmp(field[3], "table") != 0 || strcmp(field[5], "metric") != 0 ||
	               !change_parse_u32(field[4], UINT32_MAX, &out->u.route.table) ||
	               !change_parse_u32(field[6], UINT32_MAX, &out->u.route.metric) ||
	               out->u.route.table == 0 || out->u.route.table == RT_TABLE_MAIN))
		return "bad table or metric";
	const char *err = change_parse_iface(field[0], field[1], out);
	if (err)
		return err;
	if (!cidr_parse(field[2], &out->dst))
		return "bad CIDR";
	out->u.route.protocol = SSHDIAL_RTPROT;
	return NULL;
}

static void describe(const struct journal_entry *e, char *buf, size_t len)
{
	char dst[CIDR_STRLEN];

	cidr_format(&e->dst, dst, sizeof(dst));
	if (e->u.route.table)
		snprintf(buf, len, "route %s dev %s table %u metric %u", dst, e->ifname,
		         e->u.route.table, e->u.route.metric);
	else
		snprintf(buf, len, "route %s dev %s", dst, e->ifname);
}

/* The same template deletes the route: the kernel then matches protocol and (IPv4) scope as
 * well, so a route to the same network that someone else added is left alone. */
static struct rtnl_route *route_new(const struct journal_entry *e)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst =
	    nl_addr_build(e->dst.family, e->dst.addr, e->dst.family == AF_INET6 ? 16 : 4);

	if (!r || !nh || !dst) {
		rtnl_route_put(r);
		rtnl_route_nh_free(nh);
		nl_addr_put(dst);
		return NULL;
	}
	nl_addr_set_prefixlen(dst, (int)e->dst.prefixlen);
	rtnl_route_set_family(r, (uint8_t)e->dst.family);
	rtnl_route_set_table(r, e->u.route.table ? e->u.route.table : RT_TABLE_MAIN);
	if (e->u.route.metric)
		rtnl_route_set_priority(r, e->u.route.metric);
	rtnl_route_set_scope(r, RT_SCOPE_LINK);
	rtnl_route_set_protocol(r, e->u.route.protocol);
	rtnl_route_set_type(r, RTN_UNICAST);
	int err = rtnl_route_set_dst(r, dst);
	nl_addr_put(dst);
	rtnl_route_nh_set_ifindex(nh, (int)e->ifindex);
	rtnl_route_add_nexthop(r, nh);
	if (err < 0) {
		rtnl_route_put(r);
		return NULL;
	}
	return r;
}

/* What a user can do about the usual failures of adding a route. */
static const char *add_hint(int kerr)
{
	switch (kerr) {
	case EEXIST:
		return "a route to this network is in the main table already (ip route show)";
	case EPERM:
	case EACCES:
		return "changing routes needs root or CAP_NET_ADMIN";
	default:
		return NULL;
	}
}

int change_route_apply(const struct change_env *env, struct rtnl_route *r, const char *what,
                       const char *(*hint)(int kerr))
{
	if (!r) {
		log_error("%s: %s: out of memory", env->label, what);
		return -1;
	}
	nlreq_begin(env->nl);
	int err = rtnl_route_add(nlreq_sock(env->nl), r, NLM_F_EXCL);
	rtnl_route_put(r);
	if (err >= 0)
		return 0;
	if (env->reassert && nlreq_kerr(env->nl) == EEXIST)
		return 1;
	/* Putting back a route through an interface pppd has just taken down ("Device for
	 * nexthop is not up"): the link is going, its ip-down undoes the route. */
	if (env->reassert && nlreq_kerr(env->nl) == ENETDOWN)
		return 1;
	return err_log(nlreq_err(env->nl, err, env->err, env->label,
	                         hint ? hint(nlreq_kerr(env->nl)) : NULL, "%s", what));
}

enum undo_result change_route_remove(const struct change_env *env, struct rtnl_route *r,
                                     const char *what)
{
	if (!r) {
		log_error("%s: cannot remove %s: out of memory", env->label, what);
		return UNDO_FAILED;
	}
	nlreq_begin(env->nl);
	int err = rtnl_route_delete(nlreq_sock(env->nl), r, 0);
	rtnl_route_put(r);
	return change_nl_undone(env, err, what);
}

static int apply(const struct change_env *env, const struct journal_entry *e)
{
	char what[96 + CIDR_STRLEN];

	describe(e, what, sizeof(what));
	return change_route_apply(env, route_new(e), what, add_hint);
}

static enum undo_result undo(const struct change_env *env, const struct journal_entry *e)
{
	char what[96 + CIDR_STRLEN];

	describe(e, what, sizeof(what));
	if (!change_iface_same(env, e)) {
		log_debug("%s: %s: already gone with its interface", env->label, what);
		return UNDO_GONE;
	}
	return change_route_remove(env, route_new(e), what);
}

const struct change_kind change_route = {
    .name = "route",
    .undo_verb = "removed",
    .format = format,
    .parse = parse,
    .prepare = change_iface_prepare,
    .apply = apply,
    .undo = undo,
    .describe = describe,
};
