/* What carries PPP between pppd and ssh in one dial attempt.  transport pty: a
 * pseudo-terminal, pppd on its slave side and ssh on its master side.  transport frames:
 * the kernel's L2TP channel (frames/l2tp_link.h), pppd on its session socket, ssh on two
 * pipes, and the frame relay (frames/frame_relay.h) between them in the dial's loop. */
#ifndef SSHDIAL_DIAL_CHANNEL_H
#define SSHDIAL_DIAL_CHANNEL_H

#include <stdbool.h>

#include "conf/config.h"
#include "lib/err.h"
#include "lib/event.h"
#include "link/transport.h"

struct dial_channel;

/* The relay stopped.  stream_ended: ssh closed its output (ssh is ending, and its exit
 * says why); otherwise the server answered without the frame transport or broke it, and
 * e says so.  Either way the L2TP channel has been closed; pppd is not told (the kernel
 * leaves its PPP channel bound to the dead session), so the caller ends it. */
typedef void dial_channel_ended_fn(void *arg, const struct err *e, bool stream_ended);

/* Opens the pseudo-terminal or the L2TP channel (how: link/transport.h); NULL with e set
 * (and logged).  DIAL_FRAMES_OR_PTY opens the pseudo-terminal when the L2TP channel cannot
 * be made, and then *fell_back says why (not logged); it is cleared otherwise. */
struct dial_channel *dial_channel_open(const struct peer *p, enum dial_transport how,
                                       struct err *fell_back, struct err *e);
/* Whether this is the frame transport (the L2TP channel and the relay). */
bool dial_channel_frames(const struct dial_channel *c);
/* pppd's side: the pseudo-terminal's path, or NULL and the session's socket. */
const char *dial_channel_tty(const struct dial_channel *c);
int dial_channel_session_fd(const struct dial_channel *c);
/* Once pppd has been forked: its side is closed in this process (the pseudo-terminal's
 * slave stays open, so that ssh never reads EOF from a slave nobody has opened yet). */
void dial_channel_pppd_forked(struct dial_channel *c);
/* ssh's standard input and output (the same descriptor for a pseudo-terminal). */
int dial_channel_ssh_in(const struct dial_channel *c);
int dial_channel_ssh_out(const struct dial_channel *c);
/* Once ssh has been forked: its ends are closed here and, for frames, the relay starts.
 * -1 with e set (and logged) when it cannot. */
int dial_channel_ssh_forked(struct dial_channel *c, struct event_loop *loop,
                            dial_channel_ended_fn *ended, void *arg, struct err *e);
/* Closes everything; the kernel then deletes the L2TP tunnel and session. */
void dial_channel_close(struct dial_channel *c);

#endif
