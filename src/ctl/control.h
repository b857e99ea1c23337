/* The control socket of a running sshdial: a SOCK_SEQPACKET socket under /run/sshdial
 * through which pppd's hooks report ip-up and ip-down.  Only root may send; the caller's
 * handler decides whether the event belongs to a link it started. */
#ifndef SSHDIAL_CONTROL_H
#define SSHDIAL_CONTROL_H

#include <sys/types.h>

#include "lib/event.h"
#include "ctl/hook_event.h"

struct control;
struct err;

/* Returns 0 to accept, -1 to refuse with e saying why (sent back to the hook as one
 * escaped line: its where best left empty, for the hook names the event). */
typedef int (*control_hook_fn)(void *arg, const struct hook_event *ev, pid_t sender, struct err *e);

/* Binds path.  The caller holds the peer's lock (rundir_lock), so a socket found at path
 * is a dead run's and is replaced; should a live process answer there all the same (one
 * that takes no lock), fails saying so (label names what is being dialed). */
struct control *control_open(struct event_loop *loop, const char *path, const char *label,
                             control_hook_fn fn, void *arg);
/* Closes and unlinks the socket, and closes unanswered any hook connection accepted on
 * it (the hook then reports no answer). */
void control_close(struct control *c);

/* The client side, for the hook: sends ev to path and waits up to timeout_ms for the
 * verdict.  0 accepted; -1 with why in e (its where left for the caller to name the event). */
int control_send_hook(const char *path, const struct hook_event *ev, unsigned timeout_ms,
                      struct err *e);

#endif
