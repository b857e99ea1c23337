#include "net/netconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/journal.h"
#include "lib/err.h"
#include "lib/log.h"
#include "net/nlreq.h"

struct netconf {
	char *label;
	struct nlreq *nl;
	struct journal *journal;
	struct journal_entry *applied; /* oldest first, each also a line of the journal */
	size_t n, cap;
	struct err last; /* the last failure, for netconf_last_error */
};

static struct change_env env_of(struct netconf *nc)
{
	return (struct change_env){.label = nc->label,
	                           .nl = nc->nl,
	                           .journal_path = journal_path(nc->journal),
	                           .err = &nc->last};
}

static int reserve(struct netconf *nc, size_t more)
{
	if (nc->n + more <= nc->cap)
		return 0;
	size_t cap = nc->cap ? nc->cap : 16;
	while (cap < nc->n + more)
		cap *= 2;
	struct journal_entry *v = realloc(nc->applied, cap * sizeof(*v));
	if (!v)
		return -1;
	nc->applied = v;
	nc->cap = cap;
	return 0;
}

/* The journal after an undo lists what is still applied: nothing (emptied), or the rest
 * (rewritten whole).  If that fails it stays a superset, which is harmless: undoing a line
 * whose change is gone finds nothing. */
static void sync_journal(struct netconf *nc)
{
	int rc = nc->n == 0 ? journal_clear(nc->journal)
	                    : journal_rewrite(nc->journal, nc->applied, nc->n);
	if (rc < 0)
		err_log_warn(err_errno(&nc->last, errno, nc->label, NULL,
		                       "cannot update journal %s", journal_path(nc->journal)));
}

/* Undoes the applied entries of scope up to upto, newest first; keeps, in order, the others
 * and those that could not be undone. */
static int undo_entries(struct netconf *nc, enum journal_scope upto, bool stale)
{
	struct change_env env = env_of(nc);
	size_t keep = nc->n, before = nc->n;
	int failed = 0;

	for (size_t i = nc->n; i-- > 0;) {
		const struct journal_entry *e = &nc->applied[i];
		const struct change_kind *k = change_kind_of(e->kind);
		enum undo_result res = e->scope > upto ? UNDO_FAILED : k->undo(&env, e);
		if (res == UNDO_REMOVED && stale) {
			char what[JOURNAL_LINE_MAX];
			k->describe(e, what, sizeof(what));
			log_info("%s: %s %s left by an earlier run", nc->label, k->undo_verb, what);
		}
		if (res == UNDO_FAILED) {
			failed += e->scope <= upto;
			nc->applied[--keep] = *e; /* keep > i: never overwrites an entry not seen */
		}
	}
	memmove(nc->applied, nc->applied + keep, (before - keep) * sizeof(*nc->applied));
	nc->n = before - keep;
	if (nc->n != before || nc->n == 0)
		sync_journal(nc);
	return failed;
}

static int open_journal(struct netconf *nc, const char *path)
{
	struct journal_entry *stale;
	size_t nstale;

	nc->journal = journal_open(path, &stale, &nstale);
	if (!nc->journal) {
		if (errno == EWOULDBLOCK)
			log_error("%s: journal %s is held by another sshdial process for this "
			          "peer; is the peer up already?",
			          nc->label, path);
		else
			err_log(err_errno(&nc->last, errno, nc->label, NULL,
			                  "cannot open journal %s", path));
		return -1;
	}
	if (nstale == 0)
		return 0;
	nc->applied = stale;
	nc->n = nc->cap = nstale;
	log_info("%s: undoing %zu change%s left in %s by an earlier run", nc->label, nstale,
	         nstale == 1 ? "" : "s", path);
	/* After a crash nothing is still in use: every scope goes. */
	int failed = undo_entries(nc, JOURNAL_SESSION, true);
	if (failed)
		log_warn("%s: %d change%s left by an earlier run could not be undone; will retry "
		         "on close",
		         nc->label, failed, failed == 1 ? "" : "s");
	return 0;
}

struct netconf *netconf_open(const char *label, const char *journal_path)
{
	struct netconf *nc = calloc(1, sizeof(*nc));

	if (!nc || !(nc->label = strdup(label))) {
		log_error("%s: out of memory", label);
		free(nc);
		return NULL;
	}
	nc->nl = nlreq_open(label);
	if (!nc->nl || open_journal(nc, journal_path) < 0) {
		journal_close(nc->journal, false);
		nlreq_close(nc->nl);
		free(nc->applied);
		free(nc->label);
		free(nc);
		return NULL;
	}
	return nc;
}

/* Journals e, then applies it: the order that lets a crash at any point be undone. */
static int apply(struct netconf *nc, struct journal_entry *e, const char *data, size_t len)
{
	const struct change_kind *k = change_kind_of(e->kind);
	struct change_env env = env_of(nc);
	char what[JOURNAL_LINE_MAX];

	env.data = data;
	env.data_len = len;
	if (k->prepare && k->prepare(&env, e) < 0)
		return -1;
	k->describe(e, what, sizeof(what));
	if (reserve(nc, 1) < 0 || journal_append(nc->journal, e) < 0) {
		err_log(err_errno(&nc->last, errno, nc->label, NULL,
		                  "%s: cannot record it in journal %s", what,
		                  journal_path(nc->journal)));
		goto discard;
	}
	if (k->apply(&env, e) < 0) {
		if (journal_retract(nc->journal) < 0)
			log_debug("%s: journal %s keeps a line for %s, not applied: %s", nc->label,
			          journal_path(nc->journal), what, strerror(errno));
		goto discard;
	}
	nc->applied[nc->n++] = *e;
	return 0;
discard:
	if (k->discard)
		k->discard(&env, e);
	return -1;
}

static int add_on_iface(struct netconf *nc, enum journal_kind kind, enum journal_scope scope,
                        const char *ifname, const struct cidr *dst)
{
	struct journal_entry e = {.kind = kind, .scope = scope, .dst = *dst};

	if (!change_ifname_valid(ifname)) {
		return err_log(err_set(&nc->last, nc->label, NULL,
		                       "\"%.*s\": not an interface name", IF_NAMESIZE, ifname));
	}
	strcpy(e.ifname, ifname);
	e.u.route.protocol = kind == JOURNAL_ROUTE ? SSHDIAL_RTPROT : 0;
	return apply(nc, &e, NULL, 0);
}

int netconf_route_add_scoped(struct netconf *nc, enum journal_scope scope, const char *ifname,
                             const struct cidr *dst)
{
	return add_on_iface(nc, JOURNAL_ROUTE, scope, ifname, dst);
}

int netconf_route_add(struct netconf *nc, const char *ifname, const struct cidr *dst)
{
	return add_on_iface(nc, JOURNAL_ROUTE, JOURNAL_ATTEMPT, ifname, dst);
}

int netconf_addr_add(struct netconf *nc, enum journal_scope scope, const char *ifname,
                     const struct cidr *addr)
{
	return add_on_iface(nc, JOURNAL_ADDR, scope, ifname, addr);
}

int netconf_table_route_add(struct netconf *nc, enum journal_scope scope, const char *ifname,
                            const struct cidr *dst, uint32_t table, uint32_t metric)
{
	struct journal_entry e = {.kind = JOURNAL_ROUTE, .scope = scope, .dst = *dst};

	if (!change_ifname_valid(ifname)) {
		log_error("%s: \"%.*s\": not an interface name", nc->label, IF_NAMESIZE, ifname);
		return -1;
	}
	strcpy(e.ifname, ifname);
	e.u.route.protocol = SSHDIAL_RTPROT;
	e.u.route.table = table;
	e.u.route.metric = metric;
	return apply(nc, &e, NULL, 0);
}

int netconf_unreachable_add(struct netconf *nc, enum journal_scope scope, const struct cidr *dst,
                            uint32_t table, uint32_t metric)
{
	struct journal_entry e = {.kind = JOURNAL_UNREACH, .scope = scope, .dst = *dst};

	e.u.route.protocol = SSHDIAL_RTPROT;
	e.u.route.table = table;
	e.u.route.metric = metric;
	return apply(nc, &e, NULL, 0);
}

int netconf_reassert(struct netconf *nc)
{
	struct change_env env = env_of(nc);
	int put_back = 0;

	env.reassert = true;
	for (size_t i = 0; i < nc->n; i++) {
		const struct journal_entry *e = &nc->applied[i];
		if (e->kind != JOURNAL_RULE && e->kind != JOURNAL_UNREACH &&
		    e->kind != JOURNAL_GUARD && e->kind != JOURNAL_GUARD_LINK &&
		    !(e->kind == JOURNAL_ROUTE && e->u.route.table))
			continue;
		if (e->kind == JOURNAL_ROUTE && !change_iface_same(&env, e))
			continue; /* its interface is gone, and the route with it: ip-down comes */
		const struct change_kind *k = change_kind_of(e->kind);
		int rc = k->apply(&env, e);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			char what[JOURNAL_LINE_MAX];
			k->describe(e, what, sizeof(what));
			log_warn("%s: %s was deleted by someone else; put it back", nc->label,
			         what);
			put_back++;
		}
	}
	return put_back;
}

int netconf_rule_add(struct netconf *nc, enum journal_scope scope, const struct change_rule *r)
{
	struct journal_entry e = {.kind = JOURNAL_RULE, .scope = scope, .u.rule = *r};

	return apply(nc, &e, NULL, 0);
}

int netconf_sysctl_set(struct netconf *nc, enum journal_scope scope, const char *key,
                       const char *value)
{
	struct journal_entry e = {.kind = JOURNAL_SYSCTL, .scope = scope};

	if (strlen(key) >= sizeof(e.u.sysctl.key) || strlen(value) >= sizeof(e.u.sysctl.set)) {
		log_error("%s: sysctl %.64s: key or value too long", nc->label, key);
		return -1;
	}
	strcpy(e.u.sysctl.key, key);
	strcpy(e.u.sysctl.set, value);
	return apply(nc, &e, NULL, 0);
}

int netconf_resolv_replace(struct netconf *nc, enum journal_scope scope, const char *path,
                           const char *data, size_t len)
{
	struct journal_entry e = {.kind = JOURNAL_RESOLV, .scope = scope};

	if (strlen(path) >= sizeof(e.u.resolv.path)) {
		log_error("%s: resolver file %.64s...: path too long", nc->label, path);
		return -1;
	}
	strcpy(e.u.resolv.path, path);
	return apply(nc, &e, data, len);
}

/* The DNS kinds that name only an interface. */
static int dns_iface_change(struct netconf *nc, enum journal_kind kind, enum journal_scope scope,
                            const char *ifname, const char *data, size_t len)
{
	struct journal_entry e = {.kind = kind, .scope = scope};

	if (!change_ifname_valid(ifname)) {
		log_error("%s: DNS: \"%.32s\" is not an interface name", nc->label, ifname);
		return -1;
	}
	snprintf(e.ifname, sizeof(e.ifname), "%s", ifname);
	return apply(nc, &e, data, len);
}

int netconf_resolvconf_add(struct netconf *nc, enum journal_scope scope, const char *ifname,
                           const char *text, size_t len)
{
	return dns_iface_change(nc, JOURNAL_RESOLVCONF, scope, ifname, text, len);
}

int netconf_resolved_set(struct netconf *nc, enum journal_scope scope, const char *ifname,
                         const char *spec, size_t len)
{
	return dns_iface_change(nc, JOURNAL_RESOLVED, scope, ifname, spec, len);
}

int netconf_masquerade(struct netconf *nc, enum journal_scope scope, const struct cidr *addr,
                       const char *oifname)
{
	struct journal_entry e = {.kind = JOURNAL_MASQ, .scope = scope, .dst = *addr};

	if (addr->family != AF_INET || addr->prefixlen != 32 || !change_ifname_valid(oifname)) {
		log_error("%s: masquerade: not an IPv4 address or not an interface name",
		          nc->label);
		return -1;
	}
	snprintf(e.ifname, sizeof(e.ifname), "%s", oifname);
	return apply(nc, &e, NULL, 0);
}

int netconf_guard(struct netconf *nc, enum journal_scope scope, const struct guard_spec *g)
{
	struct journal_entry e = {.kind = JOURNAL_GUARD, .scope = scope, .u.guard = *g};

	return apply(nc, &e, NULL, 0);
}

int netconf_guard_link(struct netconf *nc, enum journal_scope scope, const char *table,
                       const char *ifname)
{
	struct journal_entry e = {.kind = JOURNAL_GUARD_LINK, .scope = scope};

	if (!guard_table_valid(table) || !change_ifname_valid(ifname)) {
		log_error("%s: guard: \"%.48s\" or \"%.16s\" is not a valid name", nc->label, table,
		          ifname);
		return -1;
	}
	snprintf(e.u.guard.table, sizeof(e.u.guard.table), "%s", table);
	snprintf(e.ifname, sizeof(e.ifname), "%s", ifname);
	return apply(nc, &e, NULL, 0);
}

int netconf_undo_attempt(struct netconf *nc)
{
	return undo_entries(nc, JOURNAL_ATTEMPT, false);
}

int netconf_undo_all(struct netconf *nc)
{
	return undo_entries(nc, JOURNAL_SESSION, false);
}

unsigned netconf_applied(const struct netconf *nc)
{
	return (unsigned)nc->n;
}

unsigned netconf_applied_in(const struct netconf *nc, enum journal_scope scope)
{
	unsigned n = 0;

	for (size_t i = 0; i < nc->n; i++)
		n += nc->applied[i].scope == scope;
	return n;
}

void netconf_release(struct netconf *nc)
{
	if (!nc)
		return;
	journal_close(nc->journal, false);
	nlreq_close(nc->nl);
	free(nc->applied);
	free(nc->label);
	free(nc);
}

void netconf_close(struct netconf *nc)
{
	if (!nc)
		return;
	int failed = netconf_undo_all(nc);
	if (failed)
		log_error("%s: %d change%s could not be undone; %s keeps them for the next start",
		          nc->label, failed, failed == 1 ? "" : "s", journal_path(nc->journal));
	journal_close(nc->journal, failed == 0);
	nlreq_close(nc->nl);
	free(nc->applied);
	free(nc->label);
	free(nc);
}

const struct err *netconf_last_error(const struct netconf *nc)
{
	return err_is_set(&nc->last) ? &nc->last : NULL;
}
