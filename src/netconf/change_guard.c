/* route-all's netfilter guard (guard.h) as two kinds of change, both through nft(8) run by
 * run_bounded:
 *
 *   guard      the table, the session's while the kill switch is in force.
 *              Line: "TABLE UID SERVERS DNS LANS": SERVERS "all" or "ADDR:PORT,..." (an
 *              address "*" for any), DNS "dns" or "nodns", LANS "-" or "CIDR,...".
 *              Apply makes the table, or replaces it whole in one transaction (applying it
 *              twice is never a gap); undo deletes the table.
 *   guardlink  the link's interface in the table's set, the attempt's (pppd's interface is
 *              made anew at each dial).  Line: "TABLE IFNAME".
 *
 * With env->reassert, apply looks first and returns 1 when the table's output chain is
 * there with its drop policy (or the interface is in the set). */
#include "netconf/change.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "lib/child.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/run_bounded.h"
#include "netconf/guard.h"
#include "netconf/journal.h"

#define NFT_GUARD_PATH "/usr/sbin/nft"
/* nft answers at once; a machine loaded enough to make it wait longer is stuck. */
#define NFT_GUARD_TIMEOUT_MS 15000

static const char nft_missing[] = "No such file or directory";

/* Runs nft with args (after "nft"), script on its standard input (NULL: none).  0 when it
 * exited 0; 1 when it failed saying nft_missing (no such table, chain or element); -1
 * otherwise, logged as "LABEL: WHAT: ..." unless quiet. */
static int nft(const struct change_env *env, const char *what, const char *const *args,
               const char *script, bool quiet)
{
	const char *argv[8] = {"nft"};
	struct run_result r;
	size_t n = 1;

	for (; args[n - 1] && n < 7; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	if (run_bounded(NFT_GUARD_PATH, argv, script, script ? strlen(script) : 0,
	                NFT_GUARD_TIMEOUT_MS, &r) < 0) {
		err_log(err_errno(env->err, errno, NULL, NULL, "%s: %s: cannot run %s", env->label,
		                  what, NFT_GUARD_PATH));
		return -1;
	}
	if (r.timed_out) {
		err_log(err_set(env->err, NULL, "see why nft hangs",
		                "%s: %s: nft did not finish within %d s and was killed", env->label,
		                what, NFT_GUARD_TIMEOUT_MS / 1000));
		return -1;
	}
	if (WIFEXITED(r.wstatus) && WEXITSTATUS(r.wstatus) == 0)
		return 0;
	if (strstr(r.out, nft_missing))
		return 1;
	if (quiet)
		return -1;
	char status[64];
	child_describe(r.wstatus, status, sizeof(status));
	const char *hint = WIFEXITED(r.wstatus) && WEXITSTATUS(r.wstatus) == 127
	                       ? "install nftables (the nft command)"
	                       : "the kernel needs nf_tables (modprobe nf_tables)";
	/* nft's first line says "Error: ..."; the script's line it quotes follows. */
	err_log(err_cause(err_set(env->err, NULL, hint, "%s: %s: nft %s", env->label, what, status),
	                  0, r.out[0] ? run_first_line(&r) : "it printed nothing"));
	return -1;
}

/* --- guard: the table ----------------------------------------------------------------- */

static int list_format(char *buf, size_t len, unsigned n, const char *none,
                       int (*one)(const void *item, char *b, size_t l), const void *items,
                       size_t size)
{
	size_t at = 0;
	if (n == 0) {
		int w = snprintf(buf, len, "%s", none);
		return w < 0 || (size_t)w >= len ? -1 : w;
	}
	for (unsigned i = 0; i < n; i++) {
		if (at + 1 >= len)
			return -1;
		if (i)
			buf[at++] = ',';
		int w = one((const char *)items + i * size, buf + at, len - at);
		if (w < 0)
			return -1;
		at += (size_t)w;
	}
	return (int)at;
}

static int server_one(const void *item, char *b, size_t l)
{
	return guard_server_format(item, b, l);
}

static int lan_one(const void *item, char *b, size_t l)
{
	const struct cidr *c = item;
	char net[CIDR_STRLEN];
	if (c->family != AF_INET && c->family != AF_INET6)
		return -1;
	cidr_format(c, net, sizeof(net));
	int w = snprintf(b, l, "%s", net);
	return w < 0 || (size_t)w >= l ? -1 : w;
}

static int format(const struct journal_entry *e, char *buf, size_t len)
{
	const struct guard_spec *g = &e->u.guard;
	char servers[GUARD_SERVERS_MAX * 56], lans[GUARD_LANS_MAX * 48];

	if (!guard_table_valid(g->table) || g->nservers > GUARD_SERVERS_MAX ||
	    g->nlans > GUARD_LANS_MAX || (g->all && (g->nservers || g->dns)))
		return -1;
	if (g->all)
		snprintf(servers, sizeof(servers), "all");
	else if (list_format(servers, sizeof(servers), g->nservers, "-", server_one, g->servers,
	                     sizeof(g->servers[0])) < 0)
		return -1;
	if (list_format(lans, sizeof(lans), g->nlans, "-", lan_one, g->lans, sizeof(g->lans[0])) <
	    0)
		return -1;
	int n = snprintf(buf, len, "%s %u %s %s %s", g->table, g->uid, servers,
	                 g->dns ? "dns" : "nodns", lans);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

static const char *parse(char **field, size_t n, struct journal_entry *out)
{
	struct guard_spec *g = &out->u.guard;
	char *save = NULL;

	if (n != 5)
		return "want TABLE UID SERVERS DNS LANS";
	if (!guard_table_valid(field[0]))
		return "bad table name";
	snprintf(g->table, sizeof(g->table), "%s", field[0]);
	if (!change_parse_u32(field[1], UINT32_MAX - 1, &g->uid))
		return "bad uid";
	if (strcmp(field[2], "all") == 0) {
		g->all = true;
	} else if (strcmp(field[2], "-") != 0) {
		for (char *t = strtok_r(field[2], ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			if (g->nservers == GUARD_SERVERS_MAX)
				return "too many servers";
			if (!guard_server_parse(t, &g->servers[g->nservers++]))
				return "bad server";
		}
	}
	if (strcmp(field[3], "dns") != 0 && strcmp(field[3], "nodns") != 0)
		return "bad DNS word (dns or nodns)";
	g->dns = field[3][0] == 'd';
	if (strcmp(field[4], "-") != 0) {
		for (char *t = strtok_r(field[4], ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			if (g->nlans == GUARD_LANS_MAX)
				return "too many networks";
			if (!cidr_parse(t, &g->lans[g->nlans++]))
				return "bad network";
		}
	}
	return NULL;
}

static void describe(const struct journal_entry *e, char *buf, size_t len)
{
	snprintf(buf, len, "nftables table inet %s (the kill switch's guard)", e->u.guard.table);
}

/* Is the output chain there, with its drop policy?  A rule deleted from it only blocks
 * more; the chain or its policy gone lets everything out. */
static int present(const struct change_env *env, const char *table, const char *what)
{
	const char *args[] = {"list", "chain", "inet", table, "output", NULL};
	const char *argv[8] = {"nft"};
	struct run_result r;
	size_t n = 1;

	for (; args[n - 1]; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	if (run_bounded(NFT_GUARD_PATH, argv, NULL, 0, NFT_GUARD_TIMEOUT_MS, &r) < 0 ||
	    r.timed_out) {
		log_warn("%s: %s: cannot list it with nft; putting it back", env->label, what);
		return 0;
	}
	return WIFEXITED(r.wstatus) && WEXITSTATUS(r.wstatus) == 0 &&
	       strstr(r.out, "hook output") && strstr(r.out, "policy drop;");
}

static int apply(const struct change_env *env, const struct journal_entry *e)
{
	static const char *const args[] = {"-f", "-", NULL};
	char what[128], script[GUARD_SCRIPT_MAX];

	describe(e, what, sizeof(what));
	if (env->reassert && present(env, e->u.guard.table, what))
		return 1;
	if (guard_script(&e->u.guard, script, sizeof(script)) < 0) {
		err_log(err_set(env->err, NULL, NULL, "%s: %s: cannot write its nft script",
		                env->label, what));
		return -1;
	}
	return nft(env, what, args, script, false) == 0 ? 0 : -1;
}

static enum undo_result undo(const struct change_env *env, const struct journal_entry *e)
{
	static const char *const args[] = {"-f", "-", NULL};
	char what[128], script[GUARD_TABLE_MAX + 32];

	describe(e, what, sizeof(what));
	snprintf(script, sizeof(script), "delete table inet %s\n", e->u.guard.table);
	int rc = nft(env, what, args, script, false);
	if (rc == 1)
		log_debug("%s: %s: already gone", env->label, what);
	return rc == 0 ? UNDO_REMOVED : rc == 1 ? UNDO_GONE : UNDO_FAILED;
}

/* One table per peer: a new guard replaces an old one whole, whatever each lets through. */
static bool replaces(const struct journal_entry *now, const struct journal_entry *old)
{
	return now->kind == old->kind && strcmp(now->u.guard.table, old->u.guard.table) == 0;
}

const struct change_kind change_guard = {
    .name = "guard",
    .undo_verb = "removed",
    .format = format,
    .parse = parse,
    .apply = apply,
    .undo = undo,
    .describe = describe,
    .replaces = replaces,
};

/* --- guardlink: the link's interface in the table's set -------------------------------- */

static int link_format(const struct journal_entry *e, char *buf, size_t len)
{
	if (!guard_table_valid(e->u.guard.table) || !change_ifname_valid(e->ifname))
		return -1;
	int n = snprintf(buf, len, "%s %s", e->u.guard.table, e->ifname);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

static const char *link_parse(char **field, size_t n, struct journal_entry *out)
{
	if (n != 2)
		return "want TABLE IFNAME";
	if (!guard_table_valid(field[0]))
		return "bad table name";
	if (!change_ifname_valid(field[1]) || strpbrk(field[1], "\"\\"))
		return "bad interface name";
	snprintf(out->u.guard.table, sizeof(out->u.guard.table), "%s", field[0]);
	snprintf(out->ifname, sizeof(out->ifname), "%s", field[1]);
	return NULL;
}

static void link_describe(const struct journal_entry *e, char *buf, size_t len)
{
	snprintf(buf, len, "%s in the links of nftables table inet %s", e->ifname,
	         e->u.guard.table);
}

static int link_apply(const struct change_env *env, const struct journal_entry *e)
{
	static const char *const args[] = {"-f", "-", NULL};
	char what[128], script[128];

	link_describe(e, what, sizeof(what));
	if (guard_link_script(script, sizeof(script), e->u.guard.table, e->ifname, true) < 0) {
		err_log(
		    err_set(env->err, NULL, NULL, "%s: %s: not a valid name", env->label, what));
		return -1;
	}
	if (env->reassert) {
		const char *get[] = {"get",   "element", "inet", e->u.guard.table,
		                     "links", NULL,      NULL};
		char elem[IF_NAMESIZE + 8];
		snprintf(elem, sizeof(elem), "{ \"%s\" }", e->ifname);
		get[5] = elem;
		if (nft(env, what, get, NULL, true) == 0)
			return 1;
	}
	return nft(env, what, args, script, false) == 0 ? 0 : -1;
}

static enum undo_result link_undo(const struct change_env *env, const struct journal_entry *e)
{
	static const char *const args[] = {"-f", "-", NULL};
	char what[128], script[128];

	link_describe(e, what, sizeof(what));
	if (guard_link_script(script, sizeof(script), e->u.guard.table, e->ifname, false) < 0)
		return UNDO_FAILED;
	int rc = nft(env, what, args, script, false);
	return rc == 0 ? UNDO_REMOVED : rc == 1 ? UNDO_GONE : UNDO_FAILED;
}

/* Adding an element that is there already is no error, and no second element. */
static bool link_replaces(const struct journal_entry *now, const struct journal_entry *old)
{
	return replaces(now, old) && strcmp(now->ifname, old->ifname) == 0;
}

const struct change_kind change_guard_link = {
    .name = "guardlink",
    .undo_verb = "removed",
    .format = link_format,
    .parse = link_parse,
    .apply = link_apply,
    .undo = link_undo,
    .describe = link_describe,
    .replaces = link_replaces,
};
