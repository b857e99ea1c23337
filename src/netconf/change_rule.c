/* A policy routing rule: what route-everything mode needs to send everything into a table of
 * its own, keep ssh's own connection on the underlying network (fwmark, uidrange), and fail
 * closed while redialing (unreachable).  Tagged with sshdial's protocol: "ip rule show proto
 * 83" lists what a crash left, and a delete never matches a rule of someone else's.
 *
 * Line: "FAMILY PRIORITY ACTION [OPTIONS]", FAMILY 4 or 6, ACTION "lookup TABLE",
 * "blackhole", "unreachable" or "prohibit", then in this order and each at most once:
 * "not", "fwmark 0xMARK/0xMASK", "uidrange FIRST-LAST", "suppress PREFIXLEN", "to CIDR",
 * "ipproto N", "dport N" (the last three: route-all's LAN exceptions and DNS rules).
 *
 * libnl 3.7 has no setters for FRA_UID_RANGE, FRA_SUPPRESS_PREFIXLEN and the invert flag: the
 * request is built by libnl and completed by hand. */
#include "netconf/change.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/rule.h>

#include "netconf/journal.h"
#include "lib/err.h"
#include "lib/log.h"
#include "net/nlreq.h"

static const struct {
	uint8_t action;
	const char *name;
} actions[] = {
    {FR_ACT_TO_TBL, "lookup"},
    {FR_ACT_BLACKHOLE, "blackhole"},
    {FR_ACT_UNREACHABLE, "unreachable"},
    {FR_ACT_PROHIBIT, "prohibit"},
};

static const char *action_name(uint8_t action)
{
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (actions[i].action == action)
			return actions[i].name;
	return NULL;
}

static int format(const struct journal_entry *e, char *buf, size_t len)
{
	const struct change_rule *r = &e->u.rule;
	const char *act = action_name(r->action);
	char table[16] = "";

	if (!act || (r->family != AF_INET && r->family != AF_INET6) ||
	    (r->action == FR_ACT_TO_TBL) != (r->table != 0) ||
	    (r->has_uidrange && r->uid_start > r->uid_end) ||
	    (r->has_suppress && r->suppress_prefixlen > 128) ||
	    (r->has_dst && r->dst.family != r->family) || (r->dport && !r->ipproto))
		return -1;
	if (r->table)
		snprintf(table, sizeof(table), " %u", r->table);
	int n = snprintf(buf, len, "%c %u %s%s", r->family == AF_INET ? '4' : '6', r->priority, act,
	                 table);
	if (n >= 0 && r->invert)
		n += snprintf(buf + n, len > (size_t)n ? len - (size_t)n : 0, " not");
	if (n >= 0 && r->has_fwmark)
		n += snprintf(buf + n, len > (size_t)n ? len - (size_t)n : 0, " fwmark 0x%x/0x%x",
		              r->fwmark, r->fwmask);
	if (n >= 0 && r->has_uidrange)
		n += snprintf(buf + n, len > (size_t)n ? len - (size_t)n : 0, " uidrange %u-%u",
		              r->uid_start, r->uid_end);
	if (n >= 0 && r->has_suppress)
		n += snprintf(buf + n, len > (size_t)n ? len - (size_t)n : 0, " suppress %u",
		              r->suppress_prefixlen);
	if (n >= 0 && r->has_dst) {
		char dst[CIDR_STRLEN];
		cidr_format(&r->dst, dst, sizeof(dst));
		n += snprintf(buf + n, len > (size_t)n ? len - (size_t)n : 0, " to %s", dst);
	}
	if (n >= 0 && r->ipproto)
		n += snprintf(buf + n, len > (size_t)n ? len - (size_t)n : 0, " ipproto %u",
		              r->ipproto);
	if (n >= 0 && r->dport)
		n +=
		    snprintf(buf + n, len > (size_t)n ? len - (size_t)n : 0, " dport %u", r->dport);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

static bool parse_hex(const char *s, uint32_t *out)
{
	char *end;

	if (strncmp(s, "0x", 2) != 0 || !s[2])
		return false;
	unsigned long long v = strtoull(s + 2, &end, 16);
	if (*end || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool parse_pair(const char *s, char sep, bool hex, uint32_t *a, uint32_t *b)
{
	char first[24];
	const char *mid = strchr(s, sep);

	if (!mid || (size_t)(mid - s) >= sizeof(first))
		return false;
	memcpy(first, s, (size_t)(mid - s));
	first[mid - s] = '\0';
	if (hex)
		return parse_hex(first, a) && parse_hex(mid + 1, b);
	return change_parse_u32(first, UINT32_MAX, a) && change_parse_u32(mid + 1, UINT32_MAX, b);
}

/* One option and its value at field[*i]; NULL, or what is wrong.  Order and repeats are
 * checked by journal_parse, which compares the line with what format writes back. */
static const char *parse_option(char **field, size_t n, size_t *i, struct change_rule *r)
{
	const char *opt = field[(*i)++];

	if (strcmp(opt, "not") == 0) {
		r->invert = true;
		return NULL;
	}
	if (*i == n)
		return "an option without its value";
	const char *v = field[(*i)++];
	bool ok;
	uint32_t u = 0;
	if (strcmp(opt, "to") == 0)
		ok = r->has_dst = cidr_parse(v, &r->dst);
	else if (strcmp(opt, "ipproto") == 0) {
		ok = change_parse_u32(v, 255, &u) && u != 0;
		r->ipproto = (uint8_t)u;
	} else if (strcmp(opt, "dport") == 0) {
		ok = change_parse_u32(v, 65535, &u) && u != 0;
		r->dport = (uint16_t)u;
	} else if (strcmp(opt, "fwmark") == 0)
		ok = r->has_fwmark = parse_pair(v, '/', true, &r->fwmark, &r->fwmask);
	else if (strcmp(opt, "uidrange") == 0)
		ok = r->has_uidrange = parse_pair(v, '-', false, &r->uid_start, &r->uid_end);
	else if (strcmp(opt, "suppress") == 0)
		ok = r->has_suppress = change_parse_u32(v, 128, &r->suppress_prefixlen);
	else
		return "unknown option";
	return ok ? NULL : "bad option value";
}

static const char *parse(char **field, size_t n, struct journal_entry *out)
{
	struct change_rule *r = &out->u.rule;
	size_t i = 3;

	if (n < 3)
		return "want FAMILY PRIORITY ACTION";
	if (strcmp(field[0], "4") != 0 && strcmp(field[0], "6") != 0)
		return "family is 4 or 6";
	r->family = field[0][0] == '4' ? AF_INET : AF_INET6;
	if (!change_parse_u32(field[1], UINT32_MAX, &r->priority))
		return "bad priority";
	for (size_t k = 0; k < sizeof(actions) / sizeof(actions[0]); k++)
		if (strcmp(field[2], actions[k].name) == 0)
			r->action = actions[k].action;
	if (!r->action)
		return "unknown action";
	if (r->action == FR_ACT_TO_TBL &&
	    (n < 4 || !change_parse_u32(field[i++], UINT32_MAX, &r->table) || r->table == 0))
		return "lookup needs a table, not 0";
	while (i < n) {
		const char *err = parse_option(field, n, &i, r);
		if (err)
			return err;
	}
	return NULL;
}

static void describe(const struct journal_entry *e, char *buf, size_t len)
{
	char fields[256];

	if (format(e, fields, sizeof(fields)) < 0)
		snprintf(fields, sizeof(fields), "(invalid)");
	snprintf(buf, len, "rule %s", fields);
}

/* libnl's request for r, completed with what libnl cannot set; NULL on failure. */
static struct nl_msg *build(const struct change_rule *r, bool add)
{
	struct rtnl_rule *t = rtnl_rule_alloc();
	struct nl_msg *msg = NULL;

	if (!t)
		return NULL;
	rtnl_rule_set_family(t, r->family);
	rtnl_rule_set_prio(t, r->priority);
	rtnl_rule_set_action(t, r->action);
	rtnl_rule_set_protocol(t, SSHDIAL_RTPROT);
	if (r->table)
		rtnl_rule_set_table(t, r->table);
	if (r->has_fwmark) {
		rtnl_rule_set_mark(t, r->fwmark);
		rtnl_rule_set_mask(t, r->fwmask);
	}
	if (r->ipproto)
		rtnl_rule_set_ipproto(t, r->ipproto);
	if (r->dport)
		rtnl_rule_set_dport(t, r->dport);
	if (r->has_dst) {
		struct nl_addr *dst =
		    nl_addr_build(r->dst.family, r->dst.addr, r->dst.family == AF_INET6 ? 16 : 4);
		int derr = dst ? 0 : -NLE_NOMEM;
		if (dst) {
			nl_addr_set_prefixlen(dst, (int)r->dst.prefixlen);
			derr = rtnl_rule_set_dst(t, dst);
			nl_addr_put(dst);
		}
		if (derr < 0) {
			rtnl_rule_put(t);
			return NULL;
		}
	}
	int err = add ? rtnl_rule_build_add_request(t, NLM_F_CREATE | NLM_F_EXCL, &msg)
	              : rtnl_rule_build_delete_request(t, 0, &msg);
	rtnl_rule_put(t);
	if (err < 0)
		return NULL;
	struct fib_rule_hdr *frh = nlmsg_data(nlmsg_hdr(msg));
	struct fib_rule_uid_range uids = {r->uid_start, r->uid_end};
	if (r->invert)
		frh->flags |= FIB_RULE_INVERT;
	if ((r->has_uidrange && nla_put(msg, FRA_UID_RANGE, sizeof(uids), &uids) < 0) ||
	    (r->has_suppress &&
	     nla_put_u32(msg, FRA_SUPPRESS_PREFIXLEN, r->suppress_prefixlen) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Sends the request and waits for the kernel's ack: 0 or a negative NLE_* code. */
static int request(struct nlreq *nl, const struct change_rule *r, bool add)
{
	struct nl_msg *msg = build(r, add);

	if (!msg)
		return -NLE_NOMEM;
	nlreq_begin(nl);
	int err = nl_send_auto(nlreq_sock(nl), msg);
	nlmsg_free(msg);
	return err < 0 ? err : nl_wait_for_ack(nlreq_sock(nl));
}

static int apply(const struct change_env *env, const struct journal_entry *e)
{
	char what[JOURNAL_LINE_MAX];
	int err = request(env->nl, &e->u.rule, true);

	if (err >= 0)
		return 0;
	if (env->reassert && nlreq_kerr(env->nl) == EEXIST)
		return 1;
	describe(e, what, sizeof(what));
	return err_log(nlreq_err(
	    env->nl, err, env->err, env->label,
	    nlreq_kerr(env->nl) == EEXIST ? "an equal rule is there already (ip rule)" : NULL, "%s",
	    what));
}

static enum undo_result undo(const struct change_env *env, const struct journal_entry *e)
{
	char what[JOURNAL_LINE_MAX];
	int err = request(env->nl, &e->u.rule, false);

	if (err >= 0)
		return UNDO_REMOVED;
	describe(e, what, sizeof(what));
	return change_nl_undone(env, err, what);
}

const struct change_kind change_rule = {
    .name = "rule",
    .undo_verb = "removed",
    .format = format,
    .parse = parse,
    .apply = apply,
    .undo = undo,
    .describe = describe,
};
