/* What the frame relay's files share (frame_relay.c: the kernel's datagrams toward the
 * stream, the counter check, the set-up; frame_relay_from_stream.c: the stream's frames
 * toward the kernel): the relay's struct, and how either ends it.  Nothing outside
 * frames/frame_relay*.c includes it. */
#ifndef SSHDIAL_FRAME_RELAY_PRIV_H
#define SSHDIAL_FRAME_RELAY_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "frames/frame_relay.h"
#include "frames/frame_relay_tuning.h"
#include "frames/l2tp_link.h"
#include "frames/rx_time.h"
#include "lib/err.h"

struct frame_relay {
	struct event_loop *loop;
	int udp, in, out;
	uint8_t header[L2TP_DATA_HEADER_LEN];
	enum frame_relay_role role;
	char where[256];
	const struct frame_relay_ops *ops;
	void *arg;
	bool ended;
	struct frame_relay_stats stats;
	/* The kernel's counters (l2tp_tx_verdict), NULL when there are none to check
	 * (frame_relay_new_fd without frame_relay_set_counters). */
	int (*counters)(void *arg, bool tunnel, uint64_t *out);
	void *counters_arg;
	bool confirming;   /* the counters are read again on a timer */
	bool confirm_long; /* that timer is CONFIRM_MS's (it counts a foreign verdict) */
	int foreign_seen;  /* times they said another session sent, in a row */

	/* Toward the stream */
	struct frame_queue *q;
	size_t hold_bytes; /* FRAME_RELAY_HOLD_BYTES, or frame_relay_set_hold's */
	uint64_t hold_ns;
	bool out_watched, udp_paused, udp_watched, hold_timer;
	struct codel *codel;

	/* The kernel's datagrams read and not yet proven ours: the first `unproven` of
	 * UNPROVEN_SLOTS, each with its arrival time. */
	uint8_t *slots;
	struct mmsghdr *msgs;
	struct iovec *iov;
	uint64_t *arrived;
	int unproven;
	size_t unproven_bytes;
	bool stamped; /* the socket gives each datagram the kernel's time (SO_TIMESTAMPNS) */
	union rx_ctl {
		char buf[RX_TIME_SPACE];
		struct cmsghdr align;
	} * ctl; /* each datagram's stamp, when stamped */

	/* From the stream */
	struct frame_stream *stream;
	uint8_t *inbuf;
	struct greeting *greeting; /* client: the server's greeting, until it is done */
};

/* Ends the relay once: no more watching, then the owner hears why (and may free it). */
void frame_relay_end(struct frame_relay *r, const struct err *e);
void frame_relay_end_errno(struct frame_relay *r, int errnum, const char *what);
/* frame_relay_from_stream.c: reads what the ssh channel brings (the greeting first, on the
 * client) and gives its frames to the kernel; ends the relay when the channel ends or
 * breaks. */
void frame_relay_read_stream(struct frame_relay *r);

#endif
