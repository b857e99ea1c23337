/* One peer under the daemon: its commands (up, down, restart, removal) and those waiting
 * for their answer, its link's callbacks (the dialing slot, state changes, the end of a
 * run), and the teardown after a run, which holds the kill switch or undoes everything.
 * Its struct is shared with entry_hold.c and entry_reload.c (entry_priv.h). */
#include "daemon/entry.h"
#include "daemon/entry_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl/lockdown.h"
#include "ctl/rundir.h"
#include "lib/log.h"
#include "lib/sd_notify.h"
#include "lib/xalloc.h"

/* A peer resumed after a restart and held after its start failed is dialed once more this
 * long after (entry_resume). */
#define RESUME_RETRY_MS 3000

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
	entry_read_file(peer_file(p), &e->file);
	snprintf(e->held_text, sizeof(e->held_text),
	         "link down, traffic held until it is up; 'sshdial unlock %s' lets it out",
	         peer_name(p));
	return e;
}

void entry_record_up(struct entry *e)
{
	e->up_record = true;
}

void entry_mark_up(struct entry *e, bool up)
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

void entry_answer(struct entry *e, enum want want, enum ctl_status st, const char *text)
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

void entry_wait_for(struct entry *e, enum want want, manager_reply_fn fn, void *arg)
{
	if (!fn)
		return;
	struct waiter *w = xcalloc(1, sizeof(*w));
	*w = (struct waiter){.want = want, .fn = fn, .arg = arg, .next = e->waiters};
	e->waiters = w;
}

void entry_free(struct entry *e)
{
	if (!e)
		return;
	entry_release_slot(e);
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
	entry_answer(e, WANT_UP, CTL_SYSTEM, "the daemon is exiting");
	entry_answer(e, WANT_DOWN, CTL_OK, "the daemon is exiting");
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
		entry_release_slot(e);
	}
}

/* e's slot, or its place in the queue, is given up. */
void entry_release_slot(struct entry *e)
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

/* A kill switch taken over (a dead run's, or one held) that this run never replaced,
 * because it failed first, stays: a failure does not lift it, only down, unlock or a file
 * (next) without it do. */
static bool keeps_taken_over(const struct entry *e, const struct peer *next)
{
	return netconf_taking_over(e->nc) && !e->removed && peer_route_all(next) &&
	       peer_kill_switch(next);
}

/* A peer resumed after a restart whose start failed: once more, if still held. */
static void resume_again(void *arg)
{
	struct entry *e = arg;
	if (e->held && !e->link && !e->removed)
		entry_up(e, NULL, NULL);
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
	entry_release_slot(e);
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
	bool standing = keeps_taken_over(e, next);
	bool hold = (lockdown || hand_over || standing) && netconf_applied(e->nc) > 0;
	if (hold) {
		netconf_adopt_own(e->nc);
		entry_set_held(e, true);
	} else {
		entry_release(e); /* undoes what is left and removes the journal */
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
	entry_answer(e, WANT_DOWN, CTL_OK, text);
	if (e->next_peer) {
		peer_free(e->peer);
		e->peer = e->next_peer;
		e->next_peer = NULL;
	}
	const char *name = peer_name(e->peer);
	if (e->redial && !e->removed) {
		e->redial = false;
		entry_start(e);
	} else {
		entry_mark_up(e, false);
		if (hold && lockdown)
			entry_hold_as_lockdown(e);
		else if (hold)
			entry_hold_standing(e);
		if (hold && !lockdown && e->resumed) {
			e->resumed = false;
			log_info("%s: dialing it again in %d s, once (the dead run's processes may "
			         "have been ending)",
			         name, RESUME_RETRY_MS / 1000);
			event_timer_set(e->loop, RESUME_RETRY_MS, resume_again, e);
		}
		if (e->failed)
			err_format(&e->last.err, text, sizeof(text));
		else
			snprintf(text, sizeof(text), "%s: taken down before it came up", name);
		entry_answer(e, WANT_UP, e->failed ? status_of(e->last.cls) : CTL_CONFIG, text);
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
		entry_release_slot(e);
	char text[200], status[240];
	if (s == LINK_UP)
		e->resumed = false;
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
	entry_answer(e, WANT_UP, CTL_OK, text);
}

static const struct link_ops entry_link_ops = {
    .done = on_link_done, .state_changed = on_state, .may_dial = on_gate};

/* Answers up with e's failure, and gives up. */
static void start_failed(struct entry *e)
{
	char text[ERR_LINE_MAX];
	entry_answer(e, WANT_UP, status_of(e->last.cls),
	             err_format(&e->last.err, text, sizeof(text)));
	entry_mark_up(e, false);
	e->idle(e->idle_arg, e);
}

void entry_start(struct entry *e)
{
	const char *name = peer_name(e->peer);
	if (!e->held && entry_acquire(e) < 0) {
		err_log(&e->last.err);
		start_failed(e);
		return;
	}
	entry_set_held(e, false);
	e->failed = false;
	e->link = link_new(e->loop, e->peer, e->nc, &entry_link_ops, e);
	if (!e->link) {
		struct err why;
		bool keep = keeps_taken_over(e, e->peer);
		if (!keep)
			entry_release(e);
		entry_failed(e, FAILURE_SYSTEM,
		             err_set(&why, name, "see the daemon's log", "cannot start"));
		if (keep)
			entry_hold_standing(e);
		start_failed(e);
		return;
	}
	if (peer_lockdown(e->peer))
		lockdown_mark(name); /* before the block: a crash in between still blocks at boot */
	link_start(e->link);
}

void entry_resume(struct entry *e)
{
	e->resumed = true;
	entry_up(e, NULL, NULL);
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
	entry_wait_for(e, WANT_UP, fn, arg);
	entry_mark_up(e, true);
	if (!e->link)
		entry_start(e);
	else if (e->stopping)
		e->redial = true;
}

bool entry_autostart(const struct entry *e)
{
	return peer_autostart(e->peer);
}

void entry_stop(struct entry *e)
{
	if (e->link && !e->stopping) {
		e->stopping = true;
		link_stop(e->link);
	}
}

void entry_down(struct entry *e, manager_reply_fn fn, void *arg)
{
	e->redial = false;
	entry_mark_up(e, false);
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
		entry_release(e);
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
	entry_wait_for(e, WANT_DOWN, fn, arg);
	entry_stop(e);
}

void entry_restart(struct entry *e, manager_reply_fn fn, void *arg)
{
	if (!e->link) {
		entry_up(e, fn, arg);
		return;
	}
	entry_wait_for(e, WANT_UP, fn, arg);
	e->redial = true;
	entry_keep_for_next(e, e->peer);
	entry_stop(e);
}

void entry_remove(struct entry *e)
{
	e->removed = true;
	e->redial = false;
	entry_mark_up(e, false);
	if (peer_lockdown(e->peer))
		lockdown_clear(peer_name(e->peer)); /* its file is gone */
	if (e->held)
		entry_release(e);
	if (e->link)
		entry_stop(e);
	else
		e->idle(e->idle_arg, e);
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
