/* The frame transport's relay: carries PPP frames between the kernel's L2TP tunnel
 * (frames/l2tp_link.h, one datagram per frame) and the ssh channel, a byte stream on which
 * each frame is a 2-byte big-endian length and the frame's bytes (frames/frame_stream.h
 * parses it).  The same relay runs on both ends: in sshdial call's loop on the client,
 * in a child of sshdial serve on the server.
 *
 * Before any frame, the server writes FRAME_MAGIC on the stream and the client requires
 * it: a server that answers otherwise (plain pppd, an older sshdial) ends the relay with
 * a message saying so.
 *
 * Latency: frames going into the stream wait in the relay's own queue, not in the pipe
 * (the relay keeps at most a few KB in it); a frame that waited too long is dropped whole
 * at the head of the queue (a CoDel-like rule on its sojourn time), so that a saturated
 * link keeps interactive traffic's round trip short.  LCP, PAP and IPCP frames are never
 * dropped.  A frame's wait counts from when the kernel queued its datagram
 * (FRAME_RELAY_KERNEL_TIMESTAMPS, on by default).  FRAME_RELAY_HOLD_BYTES / _MS (off by
 * default) hold writes back for ssh to read them whole; docs/performance.md has the
 * figures of both. */
#ifndef SSHDIAL_FRAME_RELAY_H
#define SSHDIAL_FRAME_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/event.h"

/* The server's first bytes on the stream in the frame transport. */
#define FRAME_MAGIC "SSHDIAL-FRAMES/1\n"
/* Instead of FRAME_MAGIC, when the server refuses the link: this, its reason (escaped: no
 * control characters), a newline, and the end of the stream.  The client's relay then
 * ends with an error whose code is FRAME_RELAY_REFUSED and whose cause is the reason. */
#define FRAME_REFUSED "SSHDIAL-REFUSED/1 "
#define FRAME_RELAY_REFUSED (-0x5245)
/* What starts each line sshdial serve writes on its stderr (server/serve.c's refuse():
 * "key NAME: WHY" after it), which the client reads from ssh's (link/failure.c). */
#define SERVE_SAYS "sshdial serve: "

struct l2tp_link;
struct frame_relay;

struct frame_relay_ops {
	/* The relay stopped: the stream ended or failed, the peer broke the framing, or the
	 * magic was wrong.  e says which, in words for the user (where = the relay's where). */
	void (*ended)(void *arg, const struct err *e);
};

enum frame_relay_role {
	FRAME_RELAY_CLIENT, /* requires FRAME_MAGIC first on in */
	FRAME_RELAY_SERVER, /* writes FRAME_MAGIC first on out */
};

struct frame_relay_stats {
	uint64_t frames_to_stream, frames_from_stream;
	uint64_t bytes_to_stream, bytes_from_stream;
	uint64_t dropped_late; /* waited too long in the relay's queue (CoDel) */
	uint64_t dropped_full; /* the relay's queue was full (within one batch) */
	uint64_t dropped_bad;  /* datagrams from the kernel that were no data message */
	uint64_t dropped_udp;  /* frames from the stream the kernel's socket did not take */
	/* datagrams from the kernel dropped because its counters showed that another
	 * session sent in the tunnel (l2tp_tx_verdict), and the links ended for it */
	uint64_t dropped_foreign, foreign_sessions;
};

/* Another local user's session in the tunnel (l2tp_link.h, l2tp_tx_verdict): the kernel's
 * datagrams go into the stream only once a read of the kernel's counters, taken after
 * they were read, proves that every frame sent in the tunnel was our session's.  Until
 * then they wait (a bounded number: reading stops when those slots are full) and the
 * counters are read again; none is dropped for a count under way.  When the counters
 * still say after a moment that another session sent, the waiting datagrams are dropped
 * and the relay ends with a message saying that another local process attached to the
 * tunnel. *
 * in: bytes from the other end (ssh's stdout / sshd's stdin, via the caller's pipe);
 * out: bytes to it.  Both made non-blocking.  The relay does not own l, in or out (the
 * caller closes them after frame_relay_free).  where names the link in messages. */
struct frame_relay *frame_relay_new(struct event_loop *loop, struct l2tp_link *l, int in, int out,
                                    enum frame_relay_role role, const char *where,
                                    const struct frame_relay_ops *ops, void *arg, struct err *e);
/* The same over any datagram socket: udp stands for the tunnel's relay end and header
 * for l2tp_link_header's (the unit test's stand-in for the kernel). */
struct frame_relay *frame_relay_new_fd(struct event_loop *loop, int udp, const uint8_t header[6],
                                       int in, int out, enum frame_relay_role role,
                                       const char *where, const struct frame_relay_ops *ops,
                                       void *arg, struct err *e);
void frame_relay_free(struct frame_relay *r);
void frame_relay_stats(const struct frame_relay *r, struct frame_relay_stats *s);
/* The counters as the text of one log line (frames and bytes each way, every kind of
 * drop), the stream's end named by to ("the client"); its owner logs it, at the level its
 * readers want, when the relay ends. */
void frame_relay_stats_text(const struct frame_relay *r, const char *to, char *buf, size_t len);
/* Holds writes into the stream back while the queue holds less than bytes and its oldest
 * frame has waited less than ms (0 bytes: never; the build's default is
 * FRAME_RELAY_HOLD_BYTES and _MS).  For tests: the pipe's size stays the build's. */
void frame_relay_set_hold(struct frame_relay *r, size_t bytes, unsigned ms);
/* Where the relay reads the kernel's transmit counters (l2tp_link_tx_packets' contract:
 * the tunnel's or the session's, 0 or -errno): frame_relay_new sets the link's, a unit
 * test its own stand-in.  Without them (frame_relay_new_fd) every datagram is carried. */
void frame_relay_set_counters(struct frame_relay *r,
                              int (*counters)(void *arg, bool tunnel, uint64_t *out), void *arg);

#endif
