/* A peer's port forwards, each set up on the link's ssh connection through its control
 * socket (ssh -O forward) once the connection is up, and each retried on its own with
 * backoff when it cannot be: a busy local port or a forward the server refuses never
 * takes the connection down.  After a redial every forward is set up again. */
#ifndef SSHDIAL_FORWARD_H
#define SSHDIAL_FORWARD_H

#include "conf/config.h"
#include "lib/event.h"

struct forwards;

/* The master answered for the first time in this attempt: the connection is up, whatever
 * became of the forward asked for. */
typedef void (*forwards_ready_fn)(void *arg);

struct forwards *forwards_new(struct event_loop *loop, const struct peer *peer,
                              forwards_ready_fn ready, void *arg);
void forwards_free(struct forwards *fw);
/* Before each dial: the control socket's directory, RUNDIR_SSH/PEER, mode 0700 and owned
 * by the local user ssh runs as, with no stale socket in it.  -1 after logging why. */
int forwards_prepare(struct forwards *fw);
/* The connection is up (or about to be: a master not listening yet is asked again). */
void forwards_start(struct forwards *fw);
/* The attempt ended: pending retries and clients go; the master took the forwards. */
void forwards_stop(struct forwards *fw);
/* One line of the master's stderr (the link's ssh): a channel the server refused while a
 * forward's target is being checked is that forward's refusal. */
void forwards_ssh_line(struct forwards *fw, const char *line);
/* How many forwards are set up now. */
size_t forwards_up(const struct forwards *fw);
/* What status shows of forward i (< forwards_count): its text ("forward local 1110 ->
 * 127.0.0.1:110"), its state ("up", "target refused": up but the server refuses its target,
 * "down") and why not up ("" when up).  Valid until the forwards change. */
struct forward_status {
	const char *text, *state, *reason;
};
size_t forwards_count(const struct forwards *fw);
void forwards_get(const struct forwards *fw, size_t i, struct forward_status *out);
/* One log line per forward: up, or why not. */
void forwards_log_status(const struct forwards *fw);

#endif
