#include "frames/frame_relay.h"
#include "frames/frame_relay_priv.h"
#include "frames/frame_relay_tuning.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "frames/codel.h"
#include "frames/frame_queue.h"
#include "frames/frame_stream.h"
#include "frames/greeting.h"
#include "frames/l2tp_link.h"
#include "frames/rx_time.h"

static uint64_t now_ns(const struct frame_relay *r)
{
	struct timespec ts;
	event_now(r->loop, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Ends the relay once: no more watching, then the owner hears why (and may free it). */
void frame_relay_end(struct frame_relay *r, const struct err *e)
{
	if (r->ended)
		return;
	r->ended = true;
	event_timer_cancel_all(r->loop, r);
	event_fd_del(r->loop, r->udp);
	event_fd_del(r->loop, r->in);
	if (r->out != r->in)
		event_fd_del(r->loop, r->out);
	r->ops->ended(r->arg, e);
}

void frame_relay_end_errno(struct frame_relay *r, int errnum, const char *what)
{
	struct err e;
	err_errno(&e, errnum, r->where, NULL, "%s", what);
	frame_relay_end(r, &e);
}

/* The stream's descriptors are watched by one callback when they are one descriptor. */
static uint32_t stream_events(const struct frame_relay *r, int fd)
{
	uint32_t ev = 0;
	if (fd == r->in)
		ev |= EPOLLIN;
	if (fd == r->out && r->out_watched)
		ev |= EPOLLOUT;
	return ev;
}

static void watch_out(struct frame_relay *r, bool on)
{
	if (r->out_watched == on)
		return;
	r->out_watched = on;
	event_fd_mod(r->loop, r->out, stream_events(r, r->out));
}

/* Link control (LCP, authentication, the NCPs: every protocol from 0x8000 up) is never
 * dropped: losing it costs a link, not a retransmission.  The frame may start with the
 * address and control bytes ff 03 or not, and its protocol may be compressed to one
 * byte (odd first byte). */
static bool ppp_is_control(const uint8_t *f, size_t len)
{
	if (len >= 2 && f[0] == 0xff && f[1] == 0x03) {
		f += 2;
		len -= 2;
	}
	if (len == 0 || (f[0] & 1))
		return false;
	return len >= 2 && f[0] >= 0x80;
}

/* Drops late frames at the head before a write. */
static void codel(struct frame_relay *r, uint64_t now)
{
	uint64_t arrived;
	bool keep;
	while (frame_queue_candidate(r->q, &arrived, &keep)) {
		enum codel_verdict v =
		    codel_verdict(r->codel, now, arrived, frame_queue_bytes(r->q), !keep);
		if (v == CODEL_SEND)
			return;
		frame_queue_drop_candidate(r->q);
		r->stats.dropped_late++;
		if (v == CODEL_DROP_LAST)
			return;
	}
	if (frame_queue_count(r->q) == 0)
		codel_empty(r->codel);
}

static void flush_out(struct frame_relay *r);

/* Whether another batch of the kernel's datagrams may be read: slots are left, and the
 * queue would take those waiting and a full batch more, with room to spare (the first
 * batch always: reading pauses when the queue has less). */
static bool may_read(const struct frame_relay *r)
{
	return r->unproven == 0 ||
	       (r->unproven < UNPROVEN_SLOTS &&
	        frame_queue_room(r->q, r->unproven_bytes + (size_t)RECV_BATCH * RECV_SLOT +
	                                   UDP_PAUSE_ROOM));
}

/* The kernel's socket is read while the queue has room (udp_paused) and may_read. */
static void watch_udp(struct frame_relay *r)
{
	bool on = !r->udp_paused && may_read(r);
	if (r->udp_watched == on)
		return;
	r->udp_watched = on;
	event_fd_mod(r->loop, r->udp, on ? EPOLLIN : 0);
}

static void on_hold_timer(void *arg)
{
	struct frame_relay *r = arg;
	r->hold_timer = false;
	flush_out(r);
}

/* Whether to hold the queue back for now (FRAME_RELAY_HOLD_BYTES), with a timer for the
 * oldest frame's deadline.  Its frames count their waiting time for CoDel all along. */
static bool hold_back(struct frame_relay *r, uint64_t now)
{
	size_t unwritten;
	frame_queue_unwritten(r->q, &unwritten);
	if (r->hold_bytes == 0 || frame_queue_keeps(r->q) || unwritten >= r->hold_bytes)
		return false;
	uint64_t due = frame_queue_head_arrived(r->q) + r->hold_ns;
	if (now >= due)
		return false;
	if (!r->hold_timer) {
		/* The loop's timers count whole milliseconds of the same clock. */
		unsigned ms = (unsigned)((due + 999999) / 1000000 - now / 1000000);
		r->hold_timer = event_timer_set(r->loop, ms, on_hold_timer, r) == 0;
		if (!r->hold_timer)
			return false;
	}
	return true;
}

/* Writes what the queue holds, as far as the pipe takes it, in one write. */
static void flush_out(struct frame_relay *r)
{
	uint64_t now = now_ns(r);
	bool held = false;
	while (frame_queue_count(r->q)) {
		codel(r, now);
		if (frame_queue_count(r->q) == 0 || (held = hold_back(r, now)))
			break;
		size_t len;
		const uint8_t *p = frame_queue_unwritten(r->q, &len);
		ssize_t n = write(r->out, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			frame_relay_end_errno(r, n < 0 ? errno : EPIPE,
			                      "cannot write to the ssh channel");
			return;
		}
		frame_queue_written(r->q, (size_t)n, &r->stats.frames_to_stream,
		                    &r->stats.bytes_to_stream);
	}
	watch_out(r, frame_queue_count(r->q) > 0 && !held);
	if (r->udp_paused && frame_queue_room(r->q, QUEUE_BYTES / 2)) {
		r->udp_paused = false;
		watch_udp(r);
	}
}

/* The kernel's counters: whether every frame sent in the tunnel was our session's.  *sure
 * gets the frames that were another session's at least; -1 after ending the relay. */
static int tx_verdict(struct frame_relay *r, uint64_t *sure)
{
	enum l2tp_tx_verdict v = L2TP_TX_UNSURE;
	for (int i = 0; i < VERIFY_READS && v == L2TP_TX_UNSURE; i++) {
		uint64_t s1, t, s2;
		int rc = r->counters(r->counters_arg, false, &s1);
		if (rc == 0)
			rc = r->counters(r->counters_arg, true, &t);
		s2 = s1;
		if (rc == 0 && t != s1)
			rc = r->counters(r->counters_arg, false, &s2);
		if (rc < 0) {
			frame_relay_end_errno(
			    r, -rc, "cannot read the L2TP tunnel's counters (PPPIOCGL2TPSTATS)");
			return -1;
		}
		v = l2tp_tx_verdict(s1, t, s2);
		*sure = v == L2TP_TX_FOREIGN ? t - s2 : 0;
	}
	return (int)v;
}

static void foreign_session(struct frame_relay *r, uint64_t frames)
{
	r->stats.foreign_sessions++;
	r->stats.dropped_foreign += (uint64_t)r->unproven;
	r->unproven = 0;
	r->unproven_bytes = 0;
	struct err e;
	err_set(&e, r->where,
	        "find the local process that holds another session of that tunnel (the SESSION "
	        "lines under its TUNNEL line in /proc/net/pppol2tp; ss -uap) and its user, or set "
	        "'transport pty'",
	        "another local process attached a session to the frame transport's L2TP tunnel "
	        "%u and sent %llu frames into it: they were dropped (%llu datagrams in all, none "
	        "carried) and the link ends",
	        (unsigned)(r->header[2] << 8 | r->header[3]), (unsigned long long)frames,
	        (unsigned long long)r->stats.dropped_foreign);
	log_warn("%s: %s", e.where, e.what);
	frame_relay_end(r, &e);
}

/* Queues the datagrams read so far, proven ours, as frames, and writes what it can. */
static void carry(struct frame_relay *r)
{
	for (int i = 0; i < r->unproven; i++) {
		const uint8_t *d = r->iov[i].iov_base;
		size_t len = r->msgs[i].msg_len;
		int off =
		    (r->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ? -1 : l2tp_payload_offset(d, len);
		if (off < 0 || (size_t)off >= len || len - (size_t)off > FRAME_MAX) {
			r->stats.dropped_bad++;
			continue;
		}
		const uint8_t *f = d + off;
		size_t flen = len - (size_t)off;
		if (!frame_queue_room(r->q, flen + FRAME_LEN_BYTES)) {
			/* Only reachable within one wake-up's reads: reading stops below. */
			r->stats.dropped_full++;
			continue;
		}
		frame_queue_add(r->q, f, flen, true, ppp_is_control(f, flen), r->arrived[i]);
	}
	r->unproven = 0;
	r->unproven_bytes = 0;
	if (!frame_queue_room(r->q, UDP_PAUSE_ROOM))
		r->udp_paused = true;
	watch_udp(r);
	flush_out(r);
}

static void on_confirm(void *arg);

/* Reads the counters again in ms (unless a read is set already). */
static void confirm_later(struct frame_relay *r, unsigned ms)
{
	if (r->confirming)
		return;
	r->confirming = event_timer_set(r->loop, ms, on_confirm, r) == 0;
	r->confirm_long = ms >= CONFIRM_MS;
	if (!r->confirming)
		frame_relay_end_errno(
		    r, errno, "cannot set a timer to read the L2TP tunnel's counters again");
}

/* The datagrams read so far go into the stream only when a read of the counters, taken
 * after them, proves that no other session ever sent in the tunnel: the kernel counts a
 * frame before it delivers it, and the counters only grow.  Otherwise they wait (reading
 * stops when their slots are full) and the counters are read again: on the next wake-up,
 * or soon on a timer.  Only a foreign verdict that holds, CONFIRMS reads CONFIRM_MS apart,
 * drops them, and ends the relay. */
static void prove(struct frame_relay *r, bool timer)
{
	if (!r->counters || !FRAME_RELAY_TX_CHECK) {
		carry(r);
		return;
	}
	uint64_t sure;
	int v = tx_verdict(r, &sure);
	if (v < 0)
		return;
	if (v == L2TP_TX_OURS) {
		/* No other session ever sent: what looked like one was a count under way. */
		r->foreign_seen = 0;
		if (r->unproven)
			carry(r);
		return;
	}
	if (v == L2TP_TX_FOREIGN && timer && r->confirm_long && ++r->foreign_seen >= CONFIRMS) {
		foreign_session(r, sure);
		return;
	}
	watch_udp(r);
	/* A count under way ends within microseconds: what waits is read again in one
	 * millisecond, unless another session looks to have sent. */
	confirm_later(r, v == L2TP_TX_FOREIGN || !r->unproven ? CONFIRM_MS : UNPROVEN_RETRY_MS);
}

static void on_confirm(void *arg)
{
	struct frame_relay *r = arg;
	r->confirming = false;
	prove(r, true);
}

/* Reads the kernel's datagrams into the free slots, RECV_BATCH per call, until the socket
 * is empty, the slots are full or the queue may not take more; 0, or -1 after ending the
 * relay. */
static int read_datagrams(struct frame_relay *r)
{
	while (may_read(r)) {
		int at = r->unproven;
		int want = UNPROVEN_SLOTS - at < RECV_BATCH ? UNPROVEN_SLOTS - at : RECV_BATCH;
		for (int i = at; i < at + want; i++) {
			r->iov[i] = (struct iovec){.iov_base = r->slots + (size_t)i * RECV_SLOT,
			                           .iov_len = RECV_SLOT};
			r->msgs[i] =
			    (struct mmsghdr){.msg_hdr = {.msg_iov = &r->iov[i], .msg_iovlen = 1}};
			if (r->stamped) {
				r->msgs[i].msg_hdr.msg_control = r->ctl[i].buf;
				r->msgs[i].msg_hdr.msg_controllen = sizeof(r->ctl[i].buf);
			}
		}
		int n = recvmmsg(r->udp, r->msgs + at, (unsigned)want, MSG_DONTWAIT, NULL);
		if (n < 0) {
			/* ECONNREFUSED: an earlier send met no socket; the kernel's end is closed
			 * only when the link is, which its owner hears of from pppd. */
			if (errno != EAGAIN && errno != EINTR && errno != ECONNREFUSED) {
				frame_relay_end_errno(r, errno,
				                      "cannot read the L2TP tunnel's datagrams");
				return -1;
			}
			return 0;
		}
		uint64_t t = now_ns(r);
		struct timespec real = {0};
		if (r->stamped)
			clock_gettime(CLOCK_REALTIME, &real);
		for (int i = at; i < at + n; i++) {
			r->arrived[i] =
			    r->stamped ? rx_time_arrival(&r->msgs[i].msg_hdr, &real, t) : t;
			r->unproven_bytes += r->msgs[i].msg_len;
		}
		r->unproven += n;
		if (n < want)
			return 0;
	}
	return 0;
}

/* The kernel's datagrams, many per wake-up, queued as frames once proven ours: one read
 * of the counters for all that this wake-up read. */
static void on_udp(void *arg, int fd, uint32_t events)
{
	struct frame_relay *r = arg;
	(void)fd;
	(void)events;
	int before = r->unproven;
	if (read_datagrams(r) < 0)
		return;
	if (r->unproven == before)
		watch_udp(r); /* nothing more may be read until they are proven */
	else
		prove(r, false);
}

static void on_stream(void *arg, int fd, uint32_t events)
{
	struct frame_relay *r = arg;
	if (fd == r->out && (events & (EPOLLOUT | EPOLLERR))) {
		flush_out(r);
		if (r->ended)
			return;
		/* The reader is gone (reported even when not watched for writing). */
		if ((events & EPOLLERR) && fd != r->in) {
			frame_relay_end_errno(r, EPIPE, "the ssh channel was closed");
			return;
		}
	}
	if (fd == r->in && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		frame_relay_read_stream(r);
}

static int nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

struct frame_relay *frame_relay_new_fd(struct event_loop *loop, int udp,
                                       const uint8_t header[L2TP_DATA_HEADER_LEN], int in, int out,
                                       enum frame_relay_role role, const char *where,
                                       const struct frame_relay_ops *ops, void *arg, struct err *e)
{
	if (nonblocking(udp) < 0 || nonblocking(in) < 0 || nonblocking(out) < 0) {
		err_errno(e, errno, where, NULL,
		          "cannot make the frame relay's descriptors "
		          "non-blocking");
		return NULL;
	}
	/* Not a pipe (a socket from sshd): its own buffer is then what sits there. */
	(void)fcntl(out, F_SETPIPE_SZ, OUT_PIPE_BYTES);
	if (FRAME_RELAY_UDP_RCVBUF > 0) {
		/* Beyond net.core.rmem_max only with CAP_NET_ADMIN (sshdial call as root); the
		 * server's relay (the serve account) gets rmem_max at most. */
		int want = FRAME_RELAY_UDP_RCVBUF;
		if (setsockopt(udp, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) < 0)
			(void)setsockopt(udp, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
	}
	struct frame_relay *r = xcalloc(1, sizeof(*r));
	*r = (struct frame_relay){
	    .loop = loop, .udp = udp, .in = in, .out = out, .role = role, .ops = ops, .arg = arg};
	memcpy(r->header, header, sizeof(r->header));
	frame_relay_set_hold(r, FRAME_RELAY_HOLD_BYTES, FRAME_RELAY_HOLD_MS);
	if (FRAME_RELAY_KERNEL_TIMESTAMPS) {
		/* Without it (an old kernel), frames count from when the relay read them. */
		r->stamped = rx_time_enable(udp);
	}
	snprintf(r->where, sizeof(r->where), "%s", where);
	r->q = frame_queue_new(QUEUE_BYTES, QUEUE_FRAMES);
	r->slots = xmalloc((size_t)UNPROVEN_SLOTS * RECV_SLOT);
	r->msgs = xcalloc(UNPROVEN_SLOTS, sizeof(*r->msgs));
	r->iov = xcalloc(UNPROVEN_SLOTS, sizeof(*r->iov));
	r->arrived = xcalloc(UNPROVEN_SLOTS, sizeof(*r->arrived));
	r->ctl = xcalloc(UNPROVEN_SLOTS, sizeof(*r->ctl));
	r->udp_watched = true;
	r->inbuf = xmalloc(IN_BUF);
	r->stream = frame_stream_new();
	r->codel = codel_new(CODEL_TARGET_NS, CODEL_INTERVAL_NS, CODEL_MIN_BYTES);
	if (role == FRAME_RELAY_CLIENT)
		r->greeting = greeting_new(r->where);
	if (role == FRAME_RELAY_SERVER)
		frame_queue_add(r->q, (const uint8_t *)FRAME_MAGIC, sizeof(FRAME_MAGIC) - 1, false,
		                true, now_ns(r));
	r->out_watched = frame_queue_count(r->q) > 0;
	bool ok = event_fd_add(loop, udp, EPOLLIN, on_udp, r) == 0 &&
	          event_fd_add(loop, in, stream_events(r, in), on_stream, r) == 0 &&
	          (out == in || event_fd_add(loop, out, stream_events(r, out), on_stream, r) == 0);
	if (!ok) {
		err_errno(e, errno, where, NULL, "cannot watch the frame relay's descriptors");
		r->ended = true;
		frame_relay_free(r);
		return NULL;
	}
	return r;
}

static int link_counters(void *arg, bool tunnel, uint64_t *out)
{
	return l2tp_link_tx_packets(arg, tunnel, out);
}

struct frame_relay *frame_relay_new(struct event_loop *loop, struct l2tp_link *l, int in, int out,
                                    enum frame_relay_role role, const char *where,
                                    const struct frame_relay_ops *ops, void *arg, struct err *e)
{
	uint8_t header[L2TP_DATA_HEADER_LEN];
	l2tp_link_header(l, header);
	struct frame_relay *r = frame_relay_new_fd(loop, l2tp_link_relay_fd(l), header, in, out,
	                                           role, where, ops, arg, e);
	if (r)
		frame_relay_set_counters(r, link_counters, l);
	return r;
}

void frame_relay_set_counters(struct frame_relay *r,
                              int (*counters)(void *arg, bool tunnel, uint64_t *out), void *arg)
{
	r->counters = counters;
	r->counters_arg = arg;
}

void frame_relay_stats_text(const struct frame_relay *r, const char *to, char *buf, size_t len)
{
	const struct frame_relay_stats *s = &r->stats;
	snprintf(buf, len,
	         "%llu frames (%llu bytes) to %s, %llu frames (%llu bytes) from it; dropped: %llu "
	         "late (CoDel), %llu on a full queue, %llu not taken by the kernel, %llu not data, "
	         "%llu not proven our session's; %llu foreign sessions",
	         (unsigned long long)s->frames_to_stream, (unsigned long long)s->bytes_to_stream,
	         to, (unsigned long long)s->frames_from_stream,
	         (unsigned long long)s->bytes_from_stream, (unsigned long long)s->dropped_late,
	         (unsigned long long)s->dropped_full, (unsigned long long)s->dropped_udp,
	         (unsigned long long)s->dropped_bad, (unsigned long long)s->dropped_foreign,
	         (unsigned long long)s->foreign_sessions);
}

void frame_relay_free(struct frame_relay *r)
{
	if (!r)
		return;
	if (!r->ended) {
		event_timer_cancel_all(r->loop, r);
		event_fd_del(r->loop, r->udp);
		event_fd_del(r->loop, r->in);
		if (r->out != r->in)
			event_fd_del(r->loop, r->out);
	}
	frame_stream_free(r->stream);
	greeting_free(r->greeting);
	codel_free(r->codel);
	free(r->inbuf);
	free(r->slots);
	free(r->msgs);
	free(r->iov);
	free(r->arrived);
	free(r->ctl);
	frame_queue_free(r->q);
	free(r);
}

void frame_relay_set_hold(struct frame_relay *r, size_t bytes, unsigned ms)
{
	r->hold_bytes = bytes;
	r->hold_ns = ms * 1000000ull;
}

void frame_relay_stats(const struct frame_relay *r, struct frame_relay_stats *s)
{
	*s = r->stats;
}
