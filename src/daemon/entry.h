/* One peer under the daemon: its configuration, and while it runs its lock
 * (RUNDIR/PEER.pid), hook socket (RUNDIR/PEER.sock), journal and link; and the commands
 * waiting for it to be up or all undone. */
#ifndef SSHDIAL_ENTRY_H
#define SSHDIAL_ENTRY_H

#include <stdbool.h>

#include "conf/config.h"
#include "daemon/dial_queue.h"
#include "daemon/manager.h"
#include "daemon/status.h"

struct entry;

/* Called when the entry's link has ended and everything it changed is undone, and when
 * a removed entry may be freed. */
typedef void (*entry_idle_fn)(void *arg, struct entry *e);

/* Takes p.  listed: found in the peers directory (a reload that no longer finds it
 * removes it).  Each dial of its link first takes a slot of dq (shared by every entry,
 * outlives them); the link reads "queued" until it gets one.  dq NULL (sshdial call):
 * no bound. */
struct entry *entry_new(struct event_loop *loop, struct dial_queue *dq, struct peer *p, bool listed,
                        entry_idle_fn idle, void *arg);
void entry_free(struct entry *e);
/* The daemon's entries keep RUNDIR/PEER.up while the peer is wanted up (from up until
 * down, removal or a permanent failure): what a restarted daemon dials again. */
void entry_record_up(struct entry *e);
/* After a restart: a kill switch left in force by the dead run (its journal's session
 * scope) is taken over and held without a link, traffic blocked, status "blocked" saying
 * why (why) and that up or unlock ends it.  Nothing when the entry runs, or when there is no
 * such kill switch.  unlock (the peer's socket), down and removal lift it; up replaces it
 * add-before-delete.  A peer with kill-switch always gets its block put in when none is
 * left (at boot), and down does not lift it. */
void entry_hold(struct entry *e, const char *why);
bool entry_held(const struct entry *e);
/* The peer's kill-switch always (peer_lockdown); autostart yes. */
bool entry_lockdown(const struct entry *e);
bool entry_autostart(const struct entry *e);
const char *entry_name(const struct entry *e);
bool entry_running(const struct entry *e);
bool entry_listed(const struct entry *e);
bool entry_removed(const struct entry *e);

/* fn (may be NULL) is answered when the link is up or has failed for good. */
void entry_up(struct entry *e, manager_reply_fn fn, void *arg);
/* entry_up for a peer the dead daemon had up: should its start fail before its own kill
 * switch is in (held, the one taken over kept), it is dialed once more RESUME_RETRY_MS
 * later: the dead run's processes of local-user may have been ending. */
void entry_resume(struct entry *e);
/* fn (may be NULL) is answered when everything the link changed is undone. */
void entry_down(struct entry *e, manager_reply_fn fn, void *arg);
/* Down, then up; fn answered as for up. */
void entry_restart(struct entry *e, manager_reply_fn fn, void *arg);
/* The peer file is gone: down, then the idle callback frees it. */
void entry_remove(struct entry *e);
/* A reload read p: when its file differs from the one running, the entry takes p (a
 * running link is redialed with it) and true is returned; else false and p is the
 * caller's. */
bool entry_replace(struct entry *e, struct peer *p);
void entry_status(const struct entry *e, struct status_row *row);
/* What the last run ended on, once idle: NULL after a stop; else the failure as a value
 * (where: the peer), of the link's class after a permanent failure, FAILURE_CONFIG when the
 * peer was taken (its lock held) or its socket could not be bound, FAILURE_SYSTEM when it
 * could not start otherwise.  `sshdial call` exits with its class (exit_status_of). */
const struct link_failure *entry_failure(const struct entry *e);
/* The running link's status line into the log (SIGUSR1); nothing when not running. */
void entry_log_status(const struct entry *e);
/* The peer's netconf (its lock held): the journal in RUNDIR, the resolver file's in
 * STATEDIR, each undone first when an earlier run left it, but with adopt a dead run's kill
 * switch, which is taken over (netconf_open_adopting).  NULL after logging. */
struct netconf *entry_netconf_open(const char *name, bool adopt);
/* Drops the answers owed to arg. */
void entry_forget(struct entry *e, const void *arg);

#endif
