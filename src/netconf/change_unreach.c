/* An unreachable route in a table of sshdial's: what route-all's table holds under the link's
 * default route, so that with the link down (or without IPv6 on it) a packet that the rules
 * send to the table fails at once instead of falling through to the underlying network.
 * Tagged with sshdial's protocol.  Line: "CIDR TABLE METRIC". */
#include "netconf/change.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>

#include "netconf/journal.h"

static int format(const struct journal_entry *e, char *buf, size_t len)
{
	char dst[CIDR_STRLEN];

	if (e->u.route.table == 0 || e->u.route.table == RT_TABLE_MAIN ||
	    (e->dst.family != AF_INET && e->dst.family != AF_INET6))
		return -1;
	cidr_format(&e->dst, dst, sizeof(dst));
	int n = snprintf(buf, len, "%s %u %u", dst, e->u.route.table, e->u.route.metric);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

static const char *parse(char **field, size_t n, struct journal_entry *out)
{
	if (n != 3)
		return "want CIDR TABLE METRIC";
	if (!cidr_parse(field[0], &out->dst))
		return "bad CIDR";
	if (!change_parse_u32(field[1], UINT32_MAX, &out->u.route.table) ||
	    out->u.route.table == 0 || out->u.route.table == RT_TABLE_MAIN)
		return "bad table";
	if (!change_parse_u32(field[2], UINT32_MAX, &out->u.route.metric))
		return "bad metric";
	out->u.route.protocol = SSHDIAL_RTPROT;
	return NULL;
}

static void describe(const struct journal_entry *e, char *buf, size_t len)
{
	char dst[CIDR_STRLEN];

	cidr_format(&e->dst, dst, sizeof(dst));
	snprintf(buf, len, "unreachable %s table %u metric %u", dst, e->u.route.table,
	         e->u.route.metric);
}

static struct rtnl_route *route_new(const struct journal_entry *e)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct nl_addr *dst =
	    nl_addr_build(e->dst.family, e->dst.addr, e->dst.family == AF_INET6 ? 16 : 4);

	if (!r || !dst) {
		rtnl_route_put(r);
		nl_addr_put(dst);
		return NULL;
	}
	nl_addr_set_prefixlen(dst, (int)e->dst.prefixlen);
	rtnl_route_set_family(r, (uint8_t)e->dst.family);
	rtnl_route_set_table(r, e->u.route.table);
	rtnl_route_set_scope(r, RT_SCOPE_UNIVERSE);
	rtnl_route_set_protocol(r, SSHDIAL_RTPROT);
	rtnl_route_set_type(r, RTN_UNREACHABLE);
	rtnl_route_set_priority(r, e->u.route.metric);
	int err = rtnl_route_set_dst(r, dst);
	nl_addr_put(dst);
	if (err < 0) {
		rtnl_route_put(r);
		return NULL;
	}
	return r;
}

/* What a user can do about the usual failures of adding it. */
static const char *add_hint(int kerr)
{
	switch (kerr) {
	case EEXIST:
		return "an equal unreachable route is in the table already (ip route show table "
		       "all)";
	case EPERM:
	case EACCES:
		return "changing routes needs root or CAP_NET_ADMIN";
	default:
		return NULL;
	}
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
	return change_route_remove(env, route_new(e), what);
}

const struct change_kind change_unreach = {
    .name = "unreachable",
    .undo_verb = "removed",
    .format = format,
    .parse = parse,
    .apply = apply,
    .undo = undo,
    .describe = describe,
};
