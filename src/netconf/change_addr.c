/* An address on an interface (an IPv6 address on the link, an address for a kill switch's
 * exceptions).  Line: "IFINDEX IFNAME ADDRESS/PREFIX", host bits allowed. */
#include "netconf/change.h"

#include <stdio.h>
#include <string.h>

#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>

#include "netconf/journal.h"
#include "lib/err.h"
#include "lib/log.h"
#include "net/nlreq.h"

static bool valid(const struct cidr *a)
{
	return (a->family == AF_INET || a->family == AF_INET6) &&
	       a->prefixlen <= cidr_max_prefix(a);
}

static int format(const struct journal_entry *e, char *buf, size_t len)
{
	char addr[CIDR_STRLEN];
	int n = change_format_iface(e, buf, len);

	if (n < 0 || !valid(&e->dst))
		return -1;
	cidr_format(&e->dst, addr, sizeof(addr));
	int m = snprintf(buf + n, len - (size_t)n, " %s", addr);
	return m < 0 || (size_t)m >= len - (size_t)n ? -1 : n + m;
}

/* cidr_parse refuses host bits, which an address has: read the address alone (as a host
 * route), then the prefix length. */
static const char *parse_address(const char *s, struct cidr *out)
{
	char addr[CIDR_STRLEN];
	const char *slash = strchr(s, '/');
	uint32_t plen;

	if (!slash || (size_t)(slash - s) >= sizeof(addr))
		return "want ADDRESS/PREFIX";
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	if (strchr(addr, '/') || !cidr_parse(addr, out))
		return "bad address";
	if (!change_parse_u32(slash + 1, cidr_max_prefix(out), &plen))
		return "bad prefix length";
	out->prefixlen = plen;
	return NULL;
}

static const char *parse(char **field, size_t n, struct journal_entry *out)
{
	if (n != 3)
		return "want IFINDEX IFNAME ADDRESS/PREFIX";
	const char *err = change_parse_iface(field[0], field[1], out);
	return err ? err : parse_address(field[2], &out->dst);
}

static void describe(const struct journal_entry *e, char *buf, size_t len)
{
	char addr[CIDR_STRLEN];

	cidr_format(&e->dst, addr, sizeof(addr));
	snprintf(buf, len, "address %s dev %s", addr, e->ifname);
}

static struct rtnl_addr *addr_new(const struct journal_entry *e)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local =
	    nl_addr_build(e->dst.family, e->dst.addr, e->dst.family == AF_INET6 ? 16 : 4);

	if (!a || !local) {
		rtnl_addr_put(a);
		nl_addr_put(local);
		return NULL;
	}
	nl_addr_set_prefixlen(local, (int)e->dst.prefixlen);
	rtnl_addr_set_ifindex(a, (int)e->ifindex);
	rtnl_addr_set_family(a, e->dst.family);
	int err = rtnl_addr_set_local(a, local);
	nl_addr_put(local);
	if (err < 0) {
		rtnl_addr_put(a);
		return NULL;
	}
	return a;
}

static int apply(const struct change_env *env, const struct journal_entry *e)
{
	char what[64 + CIDR_STRLEN];
	struct rtnl_addr *a = addr_new(e);

	describe(e, what, sizeof(what));
	if (!a) {
		log_error("%s: %s: out of memory", env->label, what);
		return -1;
	}
	nlreq_begin(env->nl);
	/* EXCL: an address that is there already is someone else's, and undo would take it. */
	int err = rtnl_addr_add(nlreq_sock(env->nl), a, NLM_F_EXCL);
	rtnl_addr_put(a);
	if (err >= 0)
		return 0;
	return err_log(nlreq_err(env->nl, err, env->err, env->label, NULL, "%s", what));
}

static enum undo_result undo(const struct change_env *env, const struct journal_entry *e)
{
	char what[64 + CIDR_STRLEN];

	describe(e, what, sizeof(what));
	if (!change_iface_same(env, e)) {
		log_debug("%s: %s: already gone with its interface", env->label, what);
		return UNDO_GONE;
	}
	struct rtnl_addr *a = addr_new(e);
	if (!a) {
		log_error("%s: cannot remove %s: out of memory", env->label, what);
		return UNDO_FAILED;
	}
	nlreq_begin(env->nl);
	int err = rtnl_addr_delete(nlreq_sock(env->nl), a, 0);
	rtnl_addr_put(a);
	return change_nl_undone(env, err, what);
}

const struct change_kind change_addr = {
    .name = "addr",
    .undo_verb = "removed",
    .format = format,
    .parse = parse,
    .prepare = change_iface_prepare,
    .apply = apply,
    .undo = undo,
    .describe = describe,
};
