/* What a run of one peer under the daemon holds, in the order of `sshdial call`: its lock,
 * hook socket and journal (and the hook events that socket carries); and the kill switch
 * held without a link (taken over after a restart, kill-switch always), kept in force
 * while held and lifted by unlock.  Part of the entry (entry_priv.h). */
#include "daemon/entry.h"
#include "daemon/entry_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl/lockdown.h"
#include "ctl/rundir.h"
#include "lib/err.h"
#include "lib/log.h"

/* A held kill switch deleted behind our back (an nft flush, a script, a firewall's reload)
 * is put back as a running link's is (link_route_all.c), this long after the first event. */
#define HELD_REASSERT_MS 100

static void on_held_reassert(void *arg)
{
	struct entry *e = arg;
	unsigned what = e->held_what;
	e->held_pending = false;
	e->held_what = 0;
	if (e->held && !e->link && e->nc && netconf_reassert_after(e->nc, what) < 0)
		log_error("%s: the kill switch held: could not put back a rule, route or its "
		          "nftables guard (see above)",
		          peer_name(e->peer));
}

static void on_held_changed(void *arg, unsigned what)
{
	struct entry *e = arg;
	if (!e->held || e->link)
		return;
	e->held_what |= what;
	if (!e->held_pending) {
		e->held_pending = true;
		event_timer_set(e->loop, HELD_REASSERT_MS, on_held_reassert, e);
	}
}

/* e->held, and the watch that keeps what it holds in force. */
void entry_set_held(struct entry *e, bool held)
{
	e->held = held;
	if (held && !e->held_watch)
		e->held_watch = nlmon_subscribe(e->loop, peer_name(e->peer), on_held_changed, e);
	if (!held && e->held_watch) {
		nlmon_unsubscribe(e->held_watch);
		e->held_watch = NULL;
		event_timer_cancel(e->loop, on_held_reassert, e);
		e->held_pending = false;
		e->held_what = 0;
	}
}

/* The held kill switch is a lockdown's: status says so. */
void entry_hold_as_lockdown(struct entry *e)
{
	const char *name = peer_name(e->peer);
	entry_set_held(e, true);
	e->last_state = "blocked";
	snprintf(e->hold_why, sizeof(e->hold_why),
	         "kill-switch always; 'sshdial up %s' or 'sshdial unlock %s'", name, name);
	log_warn("%s: blocked: %s", name, e->hold_why);
}

/* The kill switch taken over stays after a run that failed before its own was in. */
void entry_hold_standing(struct entry *e)
{
	const char *name = peer_name(e->peer);
	entry_set_held(e, true);
	e->last_state = "blocked";
	snprintf(e->hold_why, sizeof(e->hold_why),
	         "the link failed before it was up (see the last failure); 'sshdial up %s' or "
	         "'sshdial unlock %s'",
	         name, name);
	log_warn("%s: blocked: %s", name, e->hold_why);
}

/* After the unlock's answer: the socket that carried it may go now. */
static void release_unlocked(void *arg)
{
	struct entry *e = arg;
	if (e->held && !e->link)
		entry_release(e);
}

static int on_hook(void *arg, const struct hook_event *ev, pid_t sender, struct err *why)
{
	struct entry *e = arg;
	if (!e->link && e->held && ev->kind == HOOK_UNLOCK &&
	    strcmp(ev->peer, peer_name(e->peer)) == 0) {
		/* Lifted before the answer; the socket, lock and journal go from the loop. */
		int failed = netconf_undo_all(e->nc);
		if (!failed)
			lockdown_clear(peer_name(e->peer));
		log_warn("%s: unlocked: the kill switch is off%s, traffic takes the underlying "
		         "network until 'sshdial up %s'",
		         peer_name(e->peer), failed ? " (not all of it, see above)" : "",
		         peer_name(e->peer));
		event_timer_set(e->loop, 0, release_unlocked, e);
		if (failed)
			err_set(why, NULL, NULL, "some of the kill switch could not be removed");
		return failed ? -1 : 0;
	}
	if (!e->link) {
		err_set(why, NULL, NULL, "no link running");
		return -1;
	}
	int rc = link_hook_event(e->link, ev, sender, why);
	if (rc == 0 && ev->kind == HOOK_UNLOCK)
		lockdown_clear(peer_name(e->peer)); /* until the next up */
	return rc;
}

/* The order of `sshdial call`: the peer's lock first, then its socket, its journal (a
 * dead run's changes are undone here, its kill switch taken over: netconf_open_adopting).
 * The resolver file's part of the journal lives in STATEDIR, which a reboot keeps. */
struct netconf *entry_netconf_open(const char *name, bool adopt)
{
	char journal[108], dns[108];
	rundir_path(journal, sizeof(journal), name, "journal");
	statedir_path(dns, sizeof(dns), name, "journal");
	struct netconf *nc =
	    adopt ? netconf_open_adopting(name, journal) : netconf_open(name, journal);
	if (nc && (statedir_prepare() < 0 || netconf_keep_dns_in(nc, dns) < 0))
		log_warn("%s: the resolver file's backup stays in %s: after a reboot with the "
		         "link up, /etc/resolv.conf would keep the link's DNS servers",
		         name, RUNDIR);
	return nc;
}

void entry_failed(struct entry *e, enum failure_class cls, const struct err *why)
{
	e->last = (struct link_failure){.err = *why, .cls = cls, .at = time(NULL)};
	e->failed = true;
}

/* 0, or -1 with e's failure set (entry_failed), nothing held. */
int entry_acquire(struct entry *e)
{
	const char *name = peer_name(e->peer);
	char sock[108];
	pid_t holder;
	struct err why;
	e->failed = false;
	e->lock = rundir_lock(name, &holder);
	if (e->lock < 0) {
		/* A peer that is taken is a command that cannot go ahead as given (status 1):
		 * the system lacks nothing. */
		int err = errno;
		char pidfile[108];
		rundir_path(pidfile, sizeof(pidfile), name, "pid");
		if (err == EWOULDBLOCK && holder > 0)
			err_fix(err_set(&why, name, NULL,
			                "already being dialed by sshdial pid %d (it holds %s)",
			                (int)holder, pidfile),
			        "stop that one first ('kill %d')", (int)holder);
		else if (err == EWOULDBLOCK)
			err_set(&why, name, "stop that one first",
			        "already being dialed by another sshdial (it holds %s)", pidfile);
		else
			err_errno(&why, err, name, NULL, "cannot lock %s", pidfile);
		entry_failed(e, err == EWOULDBLOCK ? FAILURE_CONFIG : FAILURE_SYSTEM, &why);
		return -1;
	}
	rundir_path(sock, sizeof(sock), name, "sock");
	e->ctl = control_open(e->loop, sock, name, on_hook, e);
	e->nc = e->ctl ? entry_netconf_open(name, true) : NULL;
	if (!e->nc) {
		/* A socket that cannot be bound is another process's or a bad path: status 1. */
		entry_failed(e, e->ctl ? FAILURE_SYSTEM : FAILURE_CONFIG,
		             err_set(&why, name, "see the daemon's log", "cannot start"));
		control_close(e->ctl);
		e->ctl = NULL;
		rundir_unlock(name, e->lock);
		e->lock = -1;
		return -1;
	}
	return 0;
}

/* Gives up what acquire took, undoing every change left (the kill switch held included). */
void entry_release(struct entry *e)
{
	netconf_close(e->nc);
	e->nc = NULL;
	control_close(e->ctl);
	e->ctl = NULL;
	rundir_unlock(peer_name(e->peer), e->lock);
	e->lock = -1;
	if (e->held) {
		entry_set_held(e, false);
		e->last_state = "idle";
	}
}

void entry_hold(struct entry *e, const char *why)
{
	const char *name = peer_name(e->peer);
	if (e->link || e->held)
		return;
	if (entry_acquire(e) < 0) {
		err_log(&e->last.err);
		return;
	}
	if (!netconf_applied(e->nc) && peer_lockdown(e->peer)) {
		lockdown_mark(name);
		if (link_block_alone(e->loop, e->peer, e->nc) < 0)
			log_error("%s: kill-switch always: cannot put the block in (see above)",
			          name);
	}
	if (!netconf_applied(e->nc)) {
		entry_release(e);
		return;
	}
	if (peer_lockdown(e->peer)) {
		entry_hold_as_lockdown(e);
		return;
	}
	entry_set_held(e, true);
	e->last_state = "blocked";
	snprintf(e->hold_why, sizeof(e->hold_why), "%s; 'sshdial up %s' or 'sshdial unlock %s'",
	         why, name, name);
	log_warn("%s: blocked: %s", name, e->hold_why);
}

bool entry_held(const struct entry *e)
{
	return e->held;
}

bool entry_lockdown(const struct entry *e)
{
	return peer_lockdown(e->peer);
}
