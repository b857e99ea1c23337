/* The frame relay's direction from the ssh channel to the kernel: the stream's frames,
 * each behind the tunnel's data header, to the L2TP socket in batches (sendmmsg). */
#include "frames/frame_relay_priv.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "frames/frame_stream.h"
#include "frames/greeting.h"

/* Gives the kernel the batch of frames parsed so far: one sendmmsg. */
static void send_batch(struct frame_relay *r, struct mmsghdr *m, struct iovec (*iov)[2], int *n)
{
	int sent = 0;
	while (sent < *n) {
		int k = sendmmsg(r->udp, m + sent, (unsigned)(*n - sent), MSG_DONTWAIT);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			/* UDP on loopback: a full socket buffer drops, as a wire would. */
			r->stats.dropped_udp += (uint64_t)(*n - sent);
			break;
		}
		for (int i = sent; i < sent + k; i++) {
			r->stats.frames_from_stream++;
			r->stats.bytes_from_stream += iov[i][1].iov_len;
		}
		sent += k;
	}
	*n = 0;
}

static void broken_stream(struct frame_relay *r)
{
	struct err e;
	err_set(&e, r->where, "check that both ends run sshdial with the same frame transport",
	        "the ssh channel's frame stream is broken (a frame of length 0)");
	frame_relay_end(r, &e);
}

/* Parses one read of the stream and hands its frames to the kernel. */
static int take_stream(struct frame_relay *r, const uint8_t *buf, size_t len)
{
	struct mmsghdr m[SEND_BATCH];
	struct iovec iov[SEND_BATCH][2];
	int n = 0;
	size_t at = 0;
	while (at < len) {
		long took = frame_stream_feed(r->stream, buf + at, len - at);
		if (took < 0) {
			send_batch(r, m, iov, &n);
			broken_stream(r);
			return -1;
		}
		at += (size_t)took;
		size_t flen;
		const uint8_t *f = frame_stream_frame(r->stream, &flen);
		if (!f)
			continue;
		iov[n][0] = (struct iovec){.iov_base = r->header, .iov_len = sizeof(r->header)};
		iov[n][1] = (struct iovec){.iov_base = (void *)f, .iov_len = flen};
		m[n] = (struct mmsghdr){.msg_hdr = {.msg_iov = iov[n], .msg_iovlen = 2}};
		n++;
		/* A frame in the stream's own buffer goes before the buffer is reused. */
		bool copied = f < buf || f >= buf + len;
		if (n == SEND_BATCH || copied)
			send_batch(r, m, iov, &n);
		frame_stream_next(r->stream);
	}
	send_batch(r, m, iov, &n);
	return 0;
}

void frame_relay_read_stream(struct frame_relay *r)
{
	for (int reads = 0; reads < IN_READS_PER_TURN; reads++) {
		ssize_t n = read(r->in, r->inbuf, IN_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			frame_relay_end_errno(r, errno, "cannot read the ssh channel");
			return;
		}
		struct err e;
		bool greeting = r->greeting && !greeting_done(r->greeting);
		if (n == 0 && greeting && greeting_refused_at_end(r->greeting, &e)) {
			frame_relay_end(r, &e);
			return;
		}
		if (n == 0) {
			err_set(&e, r->where, NULL,
			        greeting
			            ? "the ssh channel ended before the server's frame transport "
			              "greeting"
			            : "the ssh channel ended");
			frame_relay_end(r, &e);
			return;
		}
		long at = 0;
		if (greeting && (at = greeting_feed(r->greeting, r->inbuf, (size_t)n, &e)) < 0) {
			if (at == GREETING_END)
				frame_relay_end(r, &e);
			return;
		}
		if (take_stream(r, r->inbuf + at, (size_t)(n - at)) < 0)
			return;
		if (n < IN_BUF)
			return;
	}
}
