#include "netconf/netconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netconf/adopt.h"
#include "netconf/netconf_apply.h"
#include "netconf/journal.h"
#include "lib/err.h"
#include "lib/log.h"
#include "net/nlmon.h"
#include "net/nlreq.h"

struct netconf {
	char *label;
	struct nlreq *nl;
	struct journal *journal;
	/* The resolver file's lines, when kept apart (netconf_keep_dns_in): in /var/lib, which
	 * a reboot keeps, with the backups named after it. */
	struct journal *dns_journal;
	struct journal_entry *applied; /* oldest first, each also a line of the journal */
	size_t n, cap;
	/* A dead run's kill switch taken over (adopt.h): still in force and in the journal;
	 * each entry claimed moves to applied, the rest go at netconf_adopt_finish. */
	struct journal_entry *old;
	bool *claimed;
	size_t nold;
	struct err last; /* the last failure, for netconf_last_error */
};

static size_t unclaimed(const struct netconf *nc)
{
	size_t k = 0;
	for (size_t i = 0; i < nc->nold; i++)
		k += !nc->claimed[i];
	return k;
}

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

static bool in_dns_journal(const struct netconf *nc, const struct journal_entry *e)
{
	return nc->dns_journal && e->kind == JOURNAL_RESOLV;
}

static struct journal *journal_of(const struct netconf *nc, const struct journal_entry *e)
{
	return in_dns_journal(nc, e) ? nc->dns_journal : nc->journal;
}

/* Rewrites the resolver file's own journal with the applied entries that belong in it. */
static int sync_dns(struct netconf *nc)
{
	struct journal_entry *v = malloc((nc->n ? nc->n : 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return -1;
	for (size_t i = 0; i < nc->n; i++)
		if (in_dns_journal(nc, &nc->applied[i]))
			v[n++] = nc->applied[i];
	int rc = n == 0 ? journal_clear(nc->dns_journal) : journal_rewrite(nc->dns_journal, v, n);
	free(v);
	return rc;
}

/* The journal after an undo lists what is still applied: nothing (emptied), or the rest
 * (rewritten whole).  If that fails it stays a superset, which is harmless: undoing a line
 * whose change is gone finds nothing. */
static void sync_journal(struct netconf *nc)
{
	/* The main journal: the dead run's kill switch not claimed yet, then what this run
	 * applied but the resolver file's lines that have a journal of their own. */
	size_t left = unclaimed(nc);
	struct journal_entry *v = malloc(((left + nc->n) ? left + nc->n : 1) * sizeof(*v));
	if (!v) {
		log_warn("%s: out of memory updating journal %s", nc->label,
		         journal_path(nc->journal));
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < nc->nold; i++)
		if (!nc->claimed[i])
			v[k++] = nc->old[i];
	for (size_t i = 0; i < nc->n; i++)
		if (!in_dns_journal(nc, &nc->applied[i]))
			v[k++] = nc->applied[i];
	int rc = k == 0 ? journal_clear(nc->journal) : journal_rewrite(nc->journal, v, k);
	free(v);
	if (rc < 0)
		err_log_warn(err_errno(&nc->last, errno, nc->label, NULL,
		                       "cannot update journal %s", journal_path(nc->journal)));
	if (nc->dns_journal && sync_dns(nc) < 0)
		err_log_warn(err_errno(&nc->last, errno, nc->label, NULL,
		                       "cannot update journal %s", journal_path(nc->dns_journal)));
}

/* Undoes the applied entries of scope up to upto, newest first; keeps, in order, the others
 * and those that could not be undone. */
static int undo_entries(struct netconf *nc, enum journal_scope upto, bool stale, size_t from)
{
	struct change_env env = env_of(nc);
	size_t keep = nc->n, before = nc->n;
	int failed = 0;

	for (size_t i = nc->n; i-- > from;) {
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
	if (before > keep)
		memmove(nc->applied + from, nc->applied + keep,
		        (before - keep) * sizeof(*nc->applied));
	nc->n = from + before - keep;
	if (nc->n != before || nc->n == 0)
		sync_journal(nc);
	return failed;
}

/* Moves the stale entries the next run takes over (adopt_keeps) from applied to old. */
static void take_over(struct netconf *nc)
{
	size_t k = 0, kept = 0;
	for (size_t i = 0; i < nc->n; i++)
		kept += adopt_keeps(&nc->applied[i]);
	if (!kept)
		return;
	nc->old = calloc(kept, sizeof(*nc->old));
	nc->claimed = calloc(kept, sizeof(*nc->claimed));
	if (!nc->old || !nc->claimed) {
		free(nc->old);
		free(nc->claimed);
		nc->old = NULL;
		nc->claimed = NULL;
		return; /* undone instead, as before there was adoption */
	}
	for (size_t i = 0; i < nc->n; i++) {
		if (adopt_keeps(&nc->applied[i]))
			nc->old[nc->nold++] = nc->applied[i];
		else
			nc->applied[k++] = nc->applied[i];
	}
	nc->n = k;
}

static int open_journal(struct netconf *nc, const char *path, bool adopt)
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
	if (adopt)
		take_over(nc);
	if (nc->nold)
		log_info("%s: taking over %zu change%s left in %s by an earlier run (its kill "
		         "switch): kept in force until this run's replaces %s",
		         nc->label, nc->nold, nc->nold == 1 ? "" : "s", path,
		         nc->nold == 1 ? "it" : "them");
	if (nc->n == 0) {
		sync_journal(nc);
		return 0;
	}
	log_info("%s: undoing %zu change%s left in %s by an earlier run", nc->label, nc->n,
	         nc->n == 1 ? "" : "s", path);
	/* After a crash nothing is still in use: every scope goes, but what was taken over. */
	int failed = undo_entries(nc, JOURNAL_SESSION, true, 0);
	if (failed)
		log_warn("%s: %d change%s left by an earlier run could not be undone; will retry "
		         "on close",
		         nc->label, failed, failed == 1 ? "" : "s");
	return 0;
}

int netconf_keep_dns_in(struct netconf *nc, const char *path)
{
	struct journal_entry *stale;
	size_t nstale;
	struct journal *j = journal_open(path, &stale, &nstale);

	if (!j) {
		log_warn("%s: cannot open journal %s: %s", nc->label, path,
		         errno == EWOULDBLOCK ? "another sshdial holds it" : strerror(errno));
		return -1;
	}
	nc->dns_journal = j;
	if (nstale == 0)
		return 0;
	if (reserve(nc, nstale) < 0) {
		free(stale);
		log_error("%s: out of memory reading %s; its changes stay for the next start",
		          nc->label, path);
		journal_close(j, false);
		nc->dns_journal = NULL;
		return -1;
	}
	size_t from = nc->n;
	memcpy(nc->applied + from, stale, nstale * sizeof(*stale));
	nc->n += nstale;
	free(stale);
	log_info("%s: undoing %zu change%s left in %s by an earlier run", nc->label, nstale,
	         nstale == 1 ? "" : "s", path);
	int failed = undo_entries(nc, JOURNAL_SESSION, true, from);
	if (failed)
		log_warn("%s: %d change%s left in %s by an earlier run could not be undone; will "
		         "retry on close",
		         nc->label, failed, failed == 1 ? "" : "s", path);
	return 0;
}

static struct netconf *open_nc(const char *label, const char *journal_path, bool adopt)
{
	struct netconf *nc = calloc(1, sizeof(*nc));

	if (!nc || !(nc->label = strdup(label))) {
		log_error("%s: out of memory", label);
		free(nc);
		return NULL;
	}
	nc->nl = nlreq_open(label);
	if (!nc->nl || open_journal(nc, journal_path, adopt) < 0) {
		journal_close(nc->journal, false);
		nlreq_close(nc->nl);
		free(nc->applied);
		free(nc->old);
		free(nc->claimed);
		free(nc->label);
		free(nc);
		return NULL;
	}
	return nc;
}

struct netconf *netconf_open(const char *label, const char *journal_path)
{
	return open_nc(label, journal_path, false);
}

struct netconf *netconf_open_adopting(const char *label, const char *journal_path)
{
	return open_nc(label, journal_path, true);
}

/* e is a change of the dead run's kill switch, still in force: claimed, not applied again. */
static bool claim(struct netconf *nc, const struct journal_entry *e)
{
	long i = nc->nold ? adopt_find(nc->old, nc->claimed, nc->nold, e) : -1;
	if (i < 0 || reserve(nc, 1) < 0)
		return false;
	nc->claimed[i] = true;
	nc->applied[nc->n++] = *e;
	if (nc->old[i].scope != e->scope)
		sync_journal(nc);
	char what[JOURNAL_LINE_MAX];
	change_kind_of(e->kind)->describe(e, what, sizeof(what));
	log_debug("%s: %s: in force already (taken over), kept", nc->label, what);
	return true;
}

int netconf_apply(struct netconf *nc, struct journal_entry *e, const char *data, size_t len)
{
	const struct change_kind *k = change_kind_of(e->kind);
	struct change_env env = env_of(nc);
	char what[JOURNAL_LINE_MAX];

	if (claim(nc, e))
		return 0;

	struct journal *j = journal_of(nc, e);

	env.data = data;
	env.data_len = len;
	env.journal_path = journal_path(j);
	if (k->prepare && k->prepare(&env, e) < 0)
		return -1;
	/* A kind whose line prepare completes (an interface's index) and that leaves nothing
	 * to take back is compared again: taken over when it is the same. */
	if (k->prepare && !k->discard && nc->nold && claim(nc, e))
		return 0;
	k->describe(e, what, sizeof(what));
	/* A power loss must not lose the line that names the backup: the file it undoes is on a
	 * disk too. */
	if (reserve(nc, 1) < 0 || journal_append(j, e) < 0 ||
	    (j == nc->dns_journal && journal_sync(j) < 0)) {
		err_log(err_errno(&nc->last, errno, nc->label, NULL,
		                  "%s: cannot record it in journal %s", what, journal_path(j)));
		goto discard;
	}
	if (k->apply(&env, e) < 0) {
		if (journal_retract(j) < 0)
			log_debug("%s: journal %s keeps a line for %s, not applied: %s", nc->label,
			          journal_path(j), what, strerror(errno));
		goto discard;
	}
	nc->applied[nc->n++] = *e;
	return 0;
discard:
	if (k->discard)
		k->discard(&env, e);
	return -1;
}

/* One change put back if it was deleted: 1 when it was, 0 when in place or not of a kind
 * that is put back, -1 on failure (logged). */
static int reassert_one(struct netconf *nc, struct change_env *env, const struct journal_entry *e,
                        bool nft)
{
	bool is_nft = e->kind == JOURNAL_GUARD || e->kind == JOURNAL_GUARD_LINK;
	if (e->kind != JOURNAL_RULE && e->kind != JOURNAL_UNREACH && !is_nft &&
	    !(e->kind == JOURNAL_ROUTE && e->u.route.table))
		return 0;
	if (is_nft && !nft)
		return 0;
	if (e->kind == JOURNAL_ROUTE && !change_iface_same(env, e))
		return 0; /* its interface is gone, and the route with it: ip-down comes */
	const struct change_kind *k = change_kind_of(e->kind);
	int rc = k->apply(env, e);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return 0;
	char what[JOURNAL_LINE_MAX];
	k->describe(e, what, sizeof(what));
	log_warn("%s: %s was deleted by someone else; put it back", nc->label, what);
	return 1;
}

static int reassert_some(struct netconf *nc, bool nft);

int netconf_reassert(struct netconf *nc)
{
	return reassert_some(nc, true);
}

int netconf_reassert_after(struct netconf *nc, unsigned what)
{
	return reassert_some(nc, (what & (NLMON_NFT | NLMON_LOST)) || !nlmon_reports_nft());
}

static int reassert_some(struct netconf *nc, bool nft)
{
	struct change_env env = env_of(nc);
	int put_back = 0;

	env.reassert = true;
	/* A kill switch held (taken over, no link claiming it yet) is put back as well. */
	for (size_t i = 0; i < nc->nold; i++) {
		int rc = nc->claimed[i] ? 0 : reassert_one(nc, &env, &nc->old[i], nft);
		if (rc < 0)
			return -1;
		put_back += rc;
	}
	for (size_t i = 0; i < nc->n; i++) {
		int rc = reassert_one(nc, &env, &nc->applied[i], nft);
		if (rc < 0)
			return -1;
		put_back += rc;
	}
	return put_back;
}

/* Whether a change this run applied replaced old in place (change_kind.replaces). */
static bool replaced_by_new(const struct netconf *nc, const struct journal_entry *old)
{
	const struct change_kind *k = change_kind_of(old->kind);
	if (!k->replaces)
		return false;
	for (size_t i = 0; i < nc->n; i++)
		if (nc->applied[i].kind == old->kind && k->replaces(&nc->applied[i], old))
			return true;
	return false;
}

/* Undoes the entries taken over that nobody claimed, newest first; replaced: after a new
 * kill switch went in (else it is lifted: unlock, stop). */
static int drop_old(struct netconf *nc, bool replaced)
{
	if (!nc->nold)
		return 0;
	struct change_env env = env_of(nc);
	size_t kept = 0, removed = 0;
	int failed = 0;
	for (size_t i = nc->nold; i-- > 0;) {
		if (nc->claimed[i]) {
			kept++;
			continue;
		}
		const struct journal_entry *e = &nc->old[i];
		const struct change_kind *k = change_kind_of(e->kind);
		if (replaced_by_new(nc, e)) {
			removed++; /* replaced in place (the guard's table): undoing it would undo
			              that */
			continue;
		}
		enum undo_result res = k->undo(&env, e);
		if (res == UNDO_FAILED && reserve(nc, 1) == 0) {
			failed++;
			nc->applied[nc->n++] = *e; /* still applied: undone on close, or retried */
			continue;
		}
		if (res == UNDO_REMOVED) {
			char what[JOURNAL_LINE_MAX];
			k->describe(e, what, sizeof(what));
			log_debug("%s: %s %s of the kill switch taken over", nc->label,
			          k->undo_verb, what);
		}
		removed++;
	}
	free(nc->old);
	free(nc->claimed);
	nc->old = NULL;
	nc->claimed = NULL;
	nc->nold = 0;
	sync_journal(nc);
	if (replaced)
		log_info("%s: the kill switch taken over is replaced: %zu change%s kept, %zu "
		         "removed after the new ones were in",
		         nc->label, kept, kept == 1 ? "" : "s", removed);
	else if (removed)
		log_info("%s: removed %zu change%s of the kill switch taken over", nc->label,
		         removed, removed == 1 ? "" : "s");
	return failed;
}

int netconf_adopt_finish(struct netconf *nc)
{
	return drop_old(nc, true);
}

void netconf_adopt_own(struct netconf *nc)
{
	if (!nc->n)
		return;
	/* Whatever was taken over and not claimed yet stays, before this run's own. */
	size_t total = nc->nold + nc->n, k = 0;
	struct journal_entry *old = malloc(total * sizeof(*old));
	bool *claimed = calloc(total, sizeof(*claimed));
	if (!old || !claimed) {
		free(old);
		free(claimed);
		log_warn("%s: out of memory: the kill switch held will be applied again, not kept",
		         nc->label);
		return;
	}
	for (size_t i = 0; i < nc->nold; i++)
		if (!nc->claimed[i])
			old[k++] = nc->old[i];
	memcpy(old + k, nc->applied, nc->n * sizeof(*old));
	k += nc->n;
	free(nc->old);
	free(nc->claimed);
	nc->old = old;
	nc->claimed = claimed;
	nc->nold = k;
	nc->n = 0;
}

unsigned netconf_adopted(const struct netconf *nc)
{
	return (unsigned)unclaimed(nc);
}

bool netconf_taking_over(const struct netconf *nc)
{
	return nc->nold > 0;
}

int netconf_undo_attempt(struct netconf *nc)
{
	return undo_entries(nc, JOURNAL_ATTEMPT, false, 0);
}

int netconf_undo_all(struct netconf *nc)
{
	int failed = drop_old(nc, false);
	return failed + undo_entries(nc, JOURNAL_SESSION, false, 0);
}

unsigned netconf_applied(const struct netconf *nc)
{
	return (unsigned)(nc->n + unclaimed(nc));
}

unsigned netconf_applied_in(const struct netconf *nc, enum journal_scope scope)
{
	unsigned n = 0;

	for (size_t i = 0; i < nc->n; i++)
		n += nc->applied[i].scope == scope;
	for (size_t i = 0; i < nc->nold; i++)
		n += !nc->claimed[i] && nc->old[i].scope == scope;
	return n;
}

void netconf_release(struct netconf *nc)
{
	if (!nc)
		return;
	journal_close(nc->journal, false);
	journal_close(nc->dns_journal, false);
	nlreq_close(nc->nl);
	free(nc->applied);
	free(nc->old);
	free(nc->claimed);
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
	size_t dns_left = 0;
	for (size_t i = 0; i < nc->n; i++)
		dns_left += in_dns_journal(nc, &nc->applied[i]);
	journal_close(nc->journal, nc->n == dns_left);
	journal_close(nc->dns_journal, dns_left == 0);
	nlreq_close(nc->nl);
	free(nc->applied);
	free(nc->label);
	free(nc);
}

const struct err *netconf_last_error(const struct netconf *nc)
{
	return err_is_set(&nc->last) ? &nc->last : NULL;
}

const char *netconf_label(const struct netconf *nc)
{
	return nc->label;
}

struct err *netconf_err(struct netconf *nc)
{
	return &nc->last;
}
