#include "daemon/entry.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl/control.h"
#include "ctl/lockdown.h"
#include "ctl/rundir.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/sd_notify.h"
#include "lib/textbuf.h"
#include "lib/xalloc.h"
#include "link/link.h"
#include "netconf/netconf.h"
#include "net/nlmon.h"

enum want { WANT_UP, WANT_DOWN };

struct waiter {
	enum want want;
	manager_reply_fn fn;
	void *arg;
	struct waiter *next;
};

struct entry {
	struct event_loop *loop;
	struct dial_queue *dq;
	struct peer *peer;
	struct peer *next_peer; /* a reload's, taken when the running link has ended */
	struct textbuf file;    /* the peer file's bytes when loaded, for reload's diff */
	bool listed, removed;
	entry_idle_fn idle;
	void *idle_arg;
	/* while running: */
	int lock;
	struct control *ctl;
	struct netconf *nc;
	struct link *link;
	bool stopping; /* link_stop was called */
	bool redial;   /* dial again once the link has ended (restart, changed file) */
	/* A kill switch in force with no link: the lock, socket and journal held (taken over
	 * after the daemon restarted); hold_why says so in status. */
	bool held;
	struct nlmon_sub *held_watch; /* while held: what someone deletes is put back */
	bool held_pending;            /* a reassert of the held kill switch is due */
	char hold_why[200];
	char held_text[200]; /* a running link's kill switch holding traffic, for status */
	bool up_record;      /* the daemon's: RUNDIR/PEER.up while the peer is wanted up */
	/* The last failure: the link's, or why it could not start (status, up's answer). */
	struct link_failure last;
	bool failed; /* the last run ended on it, not on a stop (entry_failure) */
	/* when not running, what the last run ended as */
	const char *last_state;
	unsigned attempts;
	struct waiter *waiters;
};

static void read_file(const char *path, struct textbuf *out)
{
	textbuf_free(out);
	if (!path)
		return;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0)
		return;
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0 && out->len < (1 << 20))
		textbuf_printf(out, "%.*s", (int)n, buf);
	close(fd);
	textbuf_printf(out, "%s", ""); /* an empty file still differs from none */
}

struct entry *entry_new(struct event_loop *loop, struct dial_queue *dq, struct peer *p, bool listed,
                        entry_idle_fn idle, void *arg)
{
	struct entry *e = xcalloc(1, sizeof(*e));
	*e = (struct entry){.loop = loop,
	                    .dq = dq,
	                    .peer = p,
	                    .listed = listed,
	                    .idle = idle,
	                    .idle_arg = arg,
	                    .lock = -1,
	                    .last_state = "idle"};
	read_file(peer_file(p), &e->file);
	snprintf(e->held_text, sizeof(e->held_text),
	         "link down, traffic held until it is up; 'sshdial unlock %s' lets it out",
	         peer_name(p));
	return e;
}

void entry_record_up(struct entry *e)
{
	e->up_record = true;
}

/* RUNDIR/PEER.up while the peer is wanted up: what a restarted daemon dials again. */
static void mark_up(struct entry *e, bool up)
{
	if (!e->up_record)
		return;
	char path[108];
	rundir_path(path, sizeof(path), peer_name(e->peer), "up");
	if (!up) {
		if (unlink(path) < 0 && errno != ENOENT)
			log_warn("%s: cannot remove %s: %s", peer_name(e->peer), path,
			         strerror(errno));
		return;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		log_warn("%s: cannot create %s: %s; a restart of the daemon will not dial it "
		         "again",
		         peer_name(e->peer), path, strerror(errno));
	else
		close(fd);
}

static void answer(struct entry *e, enum want want, enum ctl_status st, const char *text)
{
	struct waiter **pp = &e->waiters;
	while (*pp) {
		struct waiter *w = *pp;
		if (w->want != want) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		if (w->fn)
			w->fn(w->arg, st, text);
		free(w);
	}
}

static void wait_for(struct entry *e, enum want want, manager_reply_fn fn, void *arg)
{
	if (!fn)
		return;
	struct waiter *w = xcalloc(1, sizeof(*w));
	*w = (struct waiter){.want = want, .fn = fn, .arg = arg, .next = e->waiters};
	e->waiters = w;
}

static void release_slot(struct entry *e);

/* A held kill switch deleted behind our back (an nft flush, a script, a firewall's reload)
 * is put back as a running link's is (link_route_all.c), this long after the first event. */
#define HELD_REASSERT_MS 100

static void on_held_reassert(void *arg)
{
	struct entry *e = arg;
	e->held_pending = false;
	if (e->held && !e->link && e->nc && netconf_reassert(e->nc) < 0)
		log_error("%s: the kill switch held: could not put back a rule, route or its "
		          "nftables guard (see above)",
		          peer_name(e->peer));
}

static void on_held_changed(void *arg, unsigned what)
{
	struct entry *e = arg;
	(void)what;
	if (e->held && !e->link && !e->held_pending) {
		e->held_pending = true;
		event_timer_set(e->loop, HELD_REASSERT_MS, on_held_reassert, e);
	}
}

/* e->held, and the watch that keeps what it holds in force. */
static void set_held(struct entry *e, bool held)
{
	e->held = held;
	if (held && !e->held_watch)
		e->held_watch = nlmon_subscribe(e->loop, peer_name(e->peer), on_held_changed, e);
	if (!held && e->held_watch) {
		nlmon_unsubscribe(e->held_watch);
		e->held_watch = NULL;
		event_timer_cancel(e->loop, on_held_reassert, e);
		e->held_pending = false;
	}
}

void entry_free(struct entry *e)
{
	if (!e)
		return;
	release_slot(e);
	event_timer_cancel_all(e->loop, e);
	nlmon_unsubscribe(e->held_watch);
	e->held_watch = NULL;
	if (e->link) {
		/* Only at exit with links still up (a second signal): undo all the same. */
		link_free(e->link);
		netconf_close(e->nc);
		control_close(e->ctl);
		rundir_unlock(peer_name(e->peer), e->lock);
	} else if (e->held) {
		/* A lockdown stays in force, journaled, for the next start to take over. */
		if (peer_lockdown(e->peer))
			netconf_release(e->nc);
		else
			netconf_close(e->nc);
		control_close(e->ctl);
		rundir_unlock(peer_name(e->peer), e->lock);
	}
	answer(e, WANT_UP, CTL_SYSTEM, "the daemon is exiting");
	answer(e, WANT_DOWN, CTL_OK, "the daemon is exiting");
	peer_free(e->peer);
	peer_free(e->next_peer);
	textbuf_free(&e->file);
	free(e);
}

const char *entry_name(const struct entry *e)
{
	return peer_name(e->peer);
}

bool entry_running(const struct entry *e)
{
	return e->link != NULL;
}

bool entry_listed(const struct entry *e)
{
	return e->listed;
}

bool entry_removed(const struct entry *e)
{
	return e->removed;
}

static enum ctl_status status_of(enum failure_class cls)
{
	switch (cls) {
	case FAILURE_SYSTEM:
		return CTL_SYSTEM;
	case FAILURE_CONFIG:
		return CTL_CONFIG;
	case FAILURE_PERMANENT:
		return CTL_PERMANENT;
	default:
		return CTL_OK;
	}
}

static void start(struct entry *e);

/* The slot e held is another's now (FIFO): it dials from the loop, not from within the
 * state change of the link that freed the slot. */
static void on_granted(void *arg)
{
	struct entry *e = arg;
	if (!dial_queue_holds(e->dq, e))
		return;
	if (e->link && link_state(e->link) == LINK_QUEUED) {
		log_info("%s: a dialing slot is free; dialing", peer_name(e->peer));
		link_dial_now(e->link);
	} else {
		release_slot(e);
	}
}

/* e's slot, or its place in the queue, is given up. */
static void release_slot(struct entry *e)
{
	if (!e->dq)
		return;
	event_timer_cancel(e->loop, on_granted, e);
	struct entry *next = dial_queue_release(e->dq, e);
	if (next)
		event_timer_set(next->loop, 0, on_granted, next);
}

/* Asked by the link before each dial. */
static bool on_gate(void *arg)
{
	struct entry *e = arg;
	if (!e->dq || dial_queue_acquire(e->dq, e)) /* no --max-dialing: dial at once */
		return true;
	log_info("%s: queued: %u links are dialing already (--max-dialing); %zu waiting",
	         peer_name(e->peer), dial_queue_active(e->dq), dial_queue_length(e->dq));
	return false;
}

static void release(struct entry *e);

/* The held kill switch is a lockdown's: status says so. */
static void hold_as_lockdown(struct entry *e)
{
	const char *name = peer_name(e->peer);
	set_held(e, true);
	e->last_state = "blocked";
	snprintf(e->hold_why, sizeof(e->hold_why),
	         "kill-switch always; 'sshdial up %s' or 'sshdial unlock %s'", name, name);
	log_warn("%s: blocked: %s", name, e->hold_why);
}

/* After the link's done callback has returned (link.c may still be on the stack): free
 * the link, undo the journal, give up the socket and the lock; then answer, and dial
 * again when asked to. */
static void teardown(void *arg)
{
	struct entry *e = arg;
	struct link_info li;
	link_get_info(e->link, &li);
	e->attempts = li.attempts;
	e->last_state = e->failed ? "failed" : "stopped";
	if (li.last_failure && !e->failed)
		e->last = *li.last_failure; /* on_link_done kept the one it failed on */
	release_slot(e);
	bool kept = link_keeps_block(e->link);
	link_free(e->link);
	e->link = NULL;
	e->stopping = false;
	/* kill-switch always: the link left its kill switch in force (link_keeps_block); it is
	 * held, for the next up to take over, unless the peer's file no longer asks for it.  A
	 * restart, or a changed file that keeps the kill switch, hands it over to the next run
	 * the same way (link_hand_over): never lifted in between. */
	const struct peer *next = e->next_peer ? e->next_peer : e->peer;
	bool lockdown = peer_lockdown(e->peer) && !e->removed && peer_lockdown(next);
	bool hand_over =
	    kept && e->redial && !e->removed && peer_route_all(next) && peer_kill_switch(next);
	bool hold = (lockdown || hand_over) && netconf_applied(e->nc) > 0;
	if (hold) {
		netconf_adopt_own(e->nc);
		set_held(e, true);
	} else {
		release(e); /* undoes what is left and removes the journal */
	}
	/* A file that dropped 'always' ends the lockdown, also when it keeps the kill switch. */
	if (peer_lockdown(e->peer) && !lockdown)
		lockdown_clear(peer_name(e->peer));

	char text[ERR_LINE_MAX];
	if (hold && !lockdown)
		snprintf(text, sizeof(text),
		         "%s: down; its kill switch stays in force for the next run, asked for "
		         "meanwhile",
		         peer_name(e->peer));
	else if (hold)
		snprintf(
		    text, sizeof(text),
		    "%s: down; kill-switch always keeps its traffic blocked ('sshdial unlock %s' "
		    "lifts it)",
		    peer_name(e->peer), peer_name(e->peer));
	else
		snprintf(text, sizeof(text), "%s: down, everything it changed undone",
		         peer_name(e->peer));
	answer(e, WANT_DOWN, CTL_OK, text);
	if (e->next_peer) {
		peer_free(e->peer);
		e->peer = e->next_peer;
		e->next_peer = NULL;
	}
	const char *name = peer_name(e->peer);
	if (e->redial && !e->removed) {
		e->redial = false;
		start(e);
	} else {
		mark_up(e, false);
		if (hold)
			hold_as_lockdown(e);
		if (e->failed)
			err_format(&e->last.err, text, sizeof(text));
		else
			snprintf(text, sizeof(text), "%s: taken down before it came up", name);
		answer(e, WANT_UP, e->failed ? status_of(e->last.cls) : CTL_CONFIG, text);
		e->idle(e->idle_arg, e);
	}
}

static void on_link_done(void *arg, const struct link_failure *f)
{
	struct entry *e = arg;
	e->failed = f != NULL;
	if (f)
		e->last = *f;
	event_timer_set(e->loop, 0, teardown, e);
}

static void on_state(void *arg, enum link_state s)
{
	struct entry *e = arg;
	/* The slot is held from the gate's yes until the attempt is up or has ended. */
	if (s != LINK_DIALING && s != LINK_QUEUED)
		release_slot(e);
	char text[200], status[240];
	if (s != LINK_UP) {
		/* The latest change, for `systemctl status` (sd_notify's STATUS=). */
		snprintf(status, sizeof(status), "STATUS=%s: %s", peer_name(e->peer),
		         link_state_name(s));
		sd_notify_send(status);
		return;
	}
	struct link_info li;
	link_get_info(e->link, &li);
	snprintf(text, sizeof(text), "%s: up: %s %s peer %s", peer_name(e->peer), li.ifname,
	         li.local, li.remote);
	snprintf(status, sizeof(status), "STATUS=%s", text);
	sd_notify_send(status);
	answer(e, WANT_UP, CTL_OK, text);
}

static const struct link_ops entry_link_ops = {
    .done = on_link_done, .state_changed = on_state, .may_dial = on_gate};

/* After the unlock's answer: the socket that carried it may go now. */
static void release_unlocked(void *arg)
{
	struct entry *e = arg;
	if (e->held && !e->link)
		release(e);
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

/* Keeps e as the entry's last failure, of class cls: the run ended on it. */
static void entry_failed(struct entry *e, enum failure_class cls, const struct err *why)
{
	e->last = (struct link_failure){.err = *why, .cls = cls, .at = time(NULL)};
	e->failed = true;
}

/* 0, or -1 with e's failure set (entry_failed), nothing held. */
static int acquire(struct entry *e)
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
static void release(struct entry *e)
{
	netconf_close(e->nc);
	e->nc = NULL;
	control_close(e->ctl);
	e->ctl = NULL;
	rundir_unlock(peer_name(e->peer), e->lock);
	e->lock = -1;
	if (e->held) {
		set_held(e, false);
		e->last_state = "idle";
	}
}

/* Answers up with e's failure, and gives up. */
static void start_failed(struct entry *e)
{
	char text[ERR_LINE_MAX];
	answer(e, WANT_UP, status_of(e->last.cls), err_format(&e->last.err, text, sizeof(text)));
	mark_up(e, false);
	e->idle(e->idle_arg, e);
}

static void start(struct entry *e)
{
	const char *name = peer_name(e->peer);
	if (!e->held && acquire(e) < 0) {
		err_log(&e->last.err);
		start_failed(e);
		return;
	}
	set_held(e, false);
	e->failed = false;
	e->link = link_new(e->loop, e->peer, e->nc, &entry_link_ops, e);
	if (!e->link) {
		struct err why;
		release(e);
		entry_failed(e, FAILURE_SYSTEM,
		             err_set(&why, name, "see the daemon's log", "cannot start"));
		start_failed(e);
		return;
	}
	if (peer_lockdown(e->peer))
		lockdown_mark(name); /* before the block: a crash in between still blocks at boot */
	link_start(e->link);
}

void entry_up(struct entry *e, manager_reply_fn fn, void *arg)
{
	if (e->link && link_state(e->link) == LINK_UP) {
		char text[100];
		snprintf(text, sizeof(text), "%s: already up", peer_name(e->peer));
		if (fn)
			fn(arg, CTL_OK, text);
		return;
	}
	wait_for(e, WANT_UP, fn, arg);
	mark_up(e, true);
	if (!e->link)
		start(e);
	else if (e->stopping)
		e->redial = true;
}

void entry_hold(struct entry *e, const char *why)
{
	const char *name = peer_name(e->peer);
	if (e->link || e->held)
		return;
	if (acquire(e) < 0) {
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
		release(e);
		return;
	}
	if (peer_lockdown(e->peer)) {
		hold_as_lockdown(e);
		return;
	}
	set_held(e, true);
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

bool entry_autostart(const struct entry *e)
{
	return peer_autostart(e->peer);
}

static void stop(struct entry *e)
{
	if (e->link && !e->stopping) {
		e->stopping = true;
		link_stop(e->link);
	}
}

void entry_down(struct entry *e, manager_reply_fn fn, void *arg)
{
	e->redial = false;
	mark_up(e, false);
	if (!e->link && e->held && peer_lockdown(e->peer)) {
		char text[200];
		snprintf(text, sizeof(text),
		         "%s: down; kill-switch always keeps its traffic blocked ('sshdial unlock "
		         "%s' lifts it)",
		         peer_name(e->peer), peer_name(e->peer));
		if (fn)
			fn(arg, CTL_OK, text);
		return;
	}
	if (!e->link && e->held) {
		char text[160];
		release(e);
		snprintf(text, sizeof(text), "%s: down, its kill switch lifted",
		         peer_name(e->peer));
		if (fn)
			fn(arg, CTL_OK, text);
		return;
	}
	if (!e->link) {
		char text[100];
		snprintf(text, sizeof(text), "%s: not up", peer_name(e->peer));
		if (fn)
			fn(arg, CTL_OK, text);
		return;
	}
	wait_for(e, WANT_DOWN, fn, arg);
	stop(e);
}

/* The running link's kill switch stays in force for the next run (of peer file next) to
 * take over, when that one has one too. */
static void keep_for_next(struct entry *e, const struct peer *next)
{
	if (!peer_route_all(next) || !peer_kill_switch(next))
		return;
	link_hand_over(e->link);
	if (link_keeps_block(e->link))
		log_info(
		    "%s: dialing again: its kill switch stays in force for the next run to take "
		    "over",
		    peer_name(e->peer));
}

void entry_restart(struct entry *e, manager_reply_fn fn, void *arg)
{
	if (!e->link) {
		entry_up(e, fn, arg);
		return;
	}
	wait_for(e, WANT_UP, fn, arg);
	e->redial = true;
	keep_for_next(e, e->peer);
	stop(e);
}

void entry_remove(struct entry *e)
{
	e->removed = true;
	e->redial = false;
	mark_up(e, false);
	if (peer_lockdown(e->peer))
		lockdown_clear(peer_name(e->peer)); /* its file is gone */
	if (e->held)
		release(e);
	if (e->link)
		stop(e);
	else
		e->idle(e->idle_arg, e);
}

bool entry_replace(struct entry *e, struct peer *p)
{
	struct textbuf now = {0};
	read_file(peer_file(p), &now);
	bool same =
	    now.len == e->file.len && (!now.len || memcmp(now.data, e->file.data, now.len) == 0);
	if (same) {
		textbuf_free(&now);
		return false;
	}
	textbuf_free(&e->file);
	e->file = now;
	if (e->link) {
		peer_free(e->next_peer);
		e->next_peer = p; /* the link borrows e->peer until it has ended */
		e->redial = true;
		keep_for_next(e, p);
		stop(e);
	} else {
		bool was_lockdown = peer_lockdown(e->peer);
		peer_free(e->peer);
		e->peer = p;
		if (was_lockdown && !peer_lockdown(p))
			lockdown_clear(peer_name(p));
		if (e->held && (was_lockdown ? !peer_lockdown(p)
		                             : !peer_route_all(p) || !peer_kill_switch(p))) {
			log_info(
			    "%s: its file changed and asks for no %s now: the kill switch held "
			    "is lifted",
			    peer_name(p), was_lockdown ? "lockdown" : "kill switch");
			release(e);
		}
	}
	return true;
}

void entry_status(const struct entry *e, struct status_row *row)
{
	*row =
	    (struct status_row){.name = peer_name(e->peer),
	                        .autostart = peer_autostart(e->next_peer ? e->next_peer : e->peer)};
	if (e->link) {
		link_get_info(e->link, &row->info);
		row->state = link_state_name(row->info.state);
		if (row->info.ifname[0] &&
		    status_link_bytes(row->info.ifname, &row->rx_bytes, &row->tx_bytes) == 0)
			row->have_bytes = true;
		if (link_blocked(e->link))
			row->blocked = e->held_text;
		const struct forwards *fw = link_forwards(e->link);
		row->nforwards = forwards_count(fw);
		if (row->nforwards)
			row->forwards = xcalloc(row->nforwards, sizeof(*row->forwards));
		for (size_t i = 0; i < row->nforwards; i++)
			forwards_get(fw, i, &row->forwards[i]);
	} else {
		row->state = e->last_state;
		row->info =
		    (struct link_info){.attempts = e->attempts,
		                       .last_failure = err_is_set(&e->last.err) ? &e->last : NULL,
		                       .rtt_us = -1};
		if (e->held)
			row->blocked = e->hold_why;
		if (peer_route_all(e->peer) && peer_kill_switch(e->peer)) {
			row->info.kill_switch = e->held ? "holding" : "off";
			row->info.kill_switch_always = peer_lockdown(e->peer);
		}
	}
}

const struct link_failure *entry_failure(const struct entry *e)
{
	return e->failed ? &e->last : NULL;
}

void entry_log_status(const struct entry *e)
{
	if (e->link)
		link_log_status(e->link);
}

void entry_forget(struct entry *e, const void *arg)
{
	for (struct waiter *w = e->waiters; w; w = w->next)
		if (w->arg == arg)
			w->fn = NULL;
}
