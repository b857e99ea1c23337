/* One dial attempt: ssh and pppd with a channel between them (link/dial_channel.h: a
 * pseudo-terminal, or the frame transport), both watched by the event loop.  ssh runs as the peer's
 * local user with no capabilities; pppd runs as root and receives the PAP secret through a pipe. */
#ifndef SSHDIAL_DIAL_H
#define SSHDIAL_DIAL_H

#include <sys/types.h>

#include "conf/config.h"
#include "lib/event.h"
#include "link/failure.h"
#include "link/transport.h"

enum dial_proc { DIAL_SSH, DIAL_PPPD };

struct err;

struct dial_ops {
	/* One line of ssh's stderr or of pppd's log, without the newline. */
	void (*line)(void *arg, enum dial_proc from, const char *line);
	/* A process ended; wstatus as from waitpid. */
	void (*exited)(void *arg, enum dial_proc which, int wstatus);
	/* ssh (or the pty command) or pppd could not be executed: e says why (logged), status
	 * is its class.  Comes instead of that process's exited, from the loop after
	 * dial_start returned; the receiver frees the dial, which kills what still runs. */
	void (*failed)(void *arg, enum failure_class status, const struct err *e);
	/* transport frames: the frame relay stopped, and the L2TP channel is closed.
	 * stream_ended: ssh closed its output, so ssh is ending and its exit says why.
	 * Otherwise the server answered without the frame transport, or broke it, and e
	 * says so for the user; ssh still runs.  Either way pppd has no hangup to see (the
	 * kernel does not tell it), so the receiver ends it. */
	void (*relay_ended)(void *arg, const struct err *e, bool stream_ended);
};

struct dial_hooks {
	const char *ip_up;
	const char *ip_down;
	size_t server; /* which of the peer's servers ssh connects to (peer_server_host) */
	unsigned connect_timeout_s;    /* ssh's ConnectTimeout; 0: ssh_argv's default */
	enum dial_transport transport; /* link/transport.h */
};

struct dial;

/* Starts both processes without waiting for either to execute (see ops->failed).  NULL on
 * failure, after logging why; *status then says what
 * kind of failure it was (FAILURE_CONFIG or FAILURE_SYSTEM), and e holds the message when
 * dial_start built it (a secret or a child's watch that failed logged their own). */
struct dial *dial_start(struct event_loop *loop, const struct peer *p,
                        const struct dial_hooks *hooks, const struct dial_ops *ops, void *arg,
                        enum failure_class *status, struct err *e);
pid_t dial_pid(const struct dial *d, enum dial_proc which);
/* Whether this attempt dials frames; with DIAL_FRAMES_OR_PTY, why it took the pty when
 * the L2TP channel could not be made (NULL otherwise). */
bool dial_frames(const struct dial *d);
const struct err *dial_fell_back(const struct dial *d);
bool dial_running(const struct dial *d, enum dial_proc which);
void dial_signal(struct dial *d, enum dial_proc which, int signo);
/* Whether dial_signal reached the process while it still ran. */
bool dial_signalled(const struct dial *d, enum dial_proc which);
/* Starts an ssh client of the peer's (argv, taken) as its local user, dropped as the
 * link's ssh is, with /dev/null on stdin and stdout and err as stderr; for ssh -O.  -1
 * with why set when it cannot be forked (or its local user cannot be found).  Nothing waits for its
 * exec: *reportfd is the read end of its exec report (link/exec_report.h), the caller's to watch
 * and close. */
pid_t dial_spawn_ssh_client(const struct peer *p, struct strv *argv, int err, int *reportfd,
                            struct err *why);
/* The same with in and out as its stdin and stdout (check --dial's probe). */
pid_t dial_spawn_ssh_piped(const struct peer *p, struct strv *argv, int in, int out, int err,
                           int *reportfd, struct err *why);
/* Kills and reaps whatever still runs, closes every descriptor. */
void dial_free(struct dial *d);

#endif
