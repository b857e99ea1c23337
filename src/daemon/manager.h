/* The daemon's links: one entry per peer, keyed by name, each with its own lock, hook
 * socket (RUNDIR/PEER.sock), journal and link, so that `sshdial call PEER` and the daemon
 * refuse each other as two calls do.  Commands that wait (up, down, restart) answer
 * through a callback when the link is up, has failed, or is all undone. */
#ifndef SSHDIAL_MANAGER_H
#define SSHDIAL_MANAGER_H

#include <stdbool.h>

#include "ctl/ctl_request.h"
#include "lib/event.h"
#include "lib/textbuf.h"

struct manager;

/* The answer to a waiting command; text is one or more lines. */
typedef void (*manager_reply_fn)(void *arg, enum ctl_status st, const char *text);

/* How many links may be dialing at once unless told (--max-dialing). */
#define MANAGER_MAX_DIALING 4

/* peers_dir: NULL for SSHDIAL_PEERS_DIR.  max_dialing: at most this many links dial at
 * once, the others wait in turn ("queued"); 0 for no bound. */
struct manager *manager_new(struct event_loop *loop, const char *peers_dir, unsigned max_dialing);
/* Undoes what an earlier run left (journals, sockets, locks of peers no one holds), reads
 * the peer files and dials the autostart ones.  -1 after logging why. */
int manager_start(struct manager *m);
/* up, down, restart: fn is called once, perhaps before this returns. */
void manager_command(struct manager *m, const struct ctl_request *rq, manager_reply_fn fn,
                     void *arg);
/* status, reload: answered at once.  status: every link as a table (with the refused peer
 * files), one a few lines (also the table's form with a peer), or JSON; CTL_NOT_UP when
 * peer names a link that is not up, CTL_CONFIG when it names none. */
enum status_form { STATUS_TABLE, STATUS_LINES, STATUS_JSON };
enum ctl_status manager_status(struct manager *m, const char *peer, enum status_form form,
                               struct textbuf *out);
enum ctl_status manager_reload(struct manager *m, struct textbuf *out);
/* The client behind arg went away: its commands get no answer. */
void manager_forget(struct manager *m, const void *arg);
/* Takes every link down; done is called once all is undone. */
void manager_stop_all(struct manager *m, void (*done)(void *arg), void *arg);
void manager_log_status(struct manager *m);
void manager_free(struct manager *m);

#endif
