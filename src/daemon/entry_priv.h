/* The daemon's entry, shared by the files of one peer under the daemon and by nothing else:
 * entry.c owns its commands, its link's callbacks and the teardown after a run; entry_hold.c
 * what a run holds (the lock, socket and journal) and the kill switch held without a link;
 * entry_reload.c the peer file's bytes and what a changed file does to the running link. */
#ifndef SSHDIAL_ENTRY_PRIV_H
#define SSHDIAL_ENTRY_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "ctl/control.h"
#include "daemon/entry.h"
#include "lib/textbuf.h"
#include "link/link.h"
#include "net/nlmon.h"
#include "netconf/netconf.h"

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
	unsigned held_what;           /* nlmon's kinds of change seen since it was set */
	char hold_why[200];
	char held_text[200]; /* a running link's kill switch holding traffic, for status */
	bool up_record;      /* the daemon's: RUNDIR/PEER.up while the peer is wanted up */
	bool resumed;        /* dialed again after the daemon restarted: one more try if held */
	/* The last failure: the link's, or why it could not start (status, up's answer). */
	struct link_failure last;
	bool failed; /* the last run ended on it, not on a stop (entry_failure) */
	/* when not running, what the last run ended as */
	const char *last_state;
	unsigned attempts;
	struct waiter *waiters;
};

/* entry.c */
/* RUNDIR/PEER.up while the peer is wanted up: what a restarted daemon dials again. */
void entry_mark_up(struct entry *e, bool up);
/* Answers every command waiting for want with st and text. */
void entry_answer(struct entry *e, enum want want, enum ctl_status st, const char *text);
/* fn (may be NULL) answered by the next entry_answer for want. */
void entry_wait_for(struct entry *e, enum want want, manager_reply_fn fn, void *arg);
/* e's slot, or its place in the queue, is given up. */
void entry_release_slot(struct entry *e);
/* link_stop, once. */
void entry_stop(struct entry *e);
/* A new run: what it holds taken (unless held already), its link made and started. */
void entry_start(struct entry *e);

/* entry_hold.c */
/* e->held, and the watch that keeps what it holds in force. */
void entry_set_held(struct entry *e, bool held);
/* The held kill switch is a lockdown's: status says so. */
void entry_hold_as_lockdown(struct entry *e);
/* The held kill switch is one taken over that a failed run never replaced: status says so. */
void entry_hold_standing(struct entry *e);
/* Keeps e as the entry's last failure, of class cls: the run ended on it. */
void entry_failed(struct entry *e, enum failure_class cls, const struct err *why);
/* The lock, hook socket and journal of a run: 0, or -1 with e's failure set
 * (entry_failed), nothing held. */
int entry_acquire(struct entry *e);
/* Gives up what entry_acquire took, undoing every change left (the kill switch held
 * included). */
void entry_release(struct entry *e);

/* entry_reload.c */
/* The file at path's bytes (at most about 1 MiB) into out; empty, not none, for an empty
 * file; none for no path or a file that cannot be read. */
void entry_read_file(const char *path, struct textbuf *out);
/* The running link's kill switch stays in force for the next run (of peer file next) to
 * take over, when that one has one too. */
void entry_keep_for_next(struct entry *e, const struct peer *next);

#endif
