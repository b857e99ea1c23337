/* The frame relay's logic, without a kernel tunnel: a datagram socketpair stands in for
 * each end's L2TP socket (the test plays the kernel on its other side) and pipes for the
 * ssh channel.  What it checks is what a link needs of the relay: frames arrive whole,
 * in order, with the other end's header; the magic; a late queue drops data and never
 * link control; the end of the channel ends the relay. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/event.h"
#include "frames/frame_relay.h"
#include "frames/l2tp_link.h"

static const uint8_t hdr_a[L2TP_DATA_HEADER_LEN] = {0, 2, 0x11, 0x11, 0x22, 0x22};
static const uint8_t hdr_b[L2TP_DATA_HEADER_LEN] = {0, 2, 0x33, 0x33, 0x44, 0x44};

struct end_seen {
	struct event_loop *loop;
	int ended;
	int code;
	char msg[ERR_LINE_MAX];
};

static void on_ended(void *arg, const struct err *e)
{
	struct end_seen *s = arg;
	s->ended++;
	s->code = e->code;
	err_format(e, s->msg, sizeof(s->msg));
	event_loop_exit(s->loop, 0);
}

/* Two UDP sockets on loopback connected to each other, as the tunnel's are. */
static void udp_pair(int fd[2])
{
	struct sockaddr_in a[2];
	for (int i = 0; i < 2; i++) {
		fd[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		assert_true(fd[i] >= 0);
		a[i] = (struct sockaddr_in){.sin_family = AF_INET,
		                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		socklen_t len = sizeof(a[i]);
		assert_int_equal(bind(fd[i], (struct sockaddr *)&a[i], sizeof(a[i])), 0);
		assert_int_equal(getsockname(fd[i], (struct sockaddr *)&a[i], &len), 0);
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(connect(fd[i], (struct sockaddr *)&a[1 - i], sizeof(a[i])), 0);
}

static const struct frame_relay_ops ops = {.ended = on_ended};

static void give_up(void *arg)
{
	event_loop_exit(arg, 1);
}

/* Whether the kernel's frames leave out the address and control bytes ff 03. */
static bool no_address;

/* The kernel's side: a data message of the given PPP protocol and size (the frame's
 * bytes after the protocol are fill; with no_address, the frame starts 2 bytes later and
 * is 2 bytes shorter). */
static void kernel_send(int fd, uint16_t proto, size_t size, uint8_t fill)
{
	uint8_t d[2048] = {
	    0x00, 0x02, 0xaa, 0xaa, 0xbb, 0xbb, 0xff, 0x03, (uint8_t)(proto >> 8), (uint8_t)proto};
	memset(d + 10, fill, size - 4);
	if (no_address) {
		memmove(d + 6, d + 8, size - 2);
		size -= 2;
	}
	assert_int_equal(send(fd, d, 6 + size, 0), (ssize_t)(6 + size));
}

/* Runs the loop until it exits or for at most ms. */
static int run_for(struct event_loop *loop, unsigned ms)
{
	event_timer_set(loop, ms, give_up, loop);
	int r = event_loop_run(loop);
	event_timer_cancel(loop, give_up, loop);
	return r;
}

struct pair_poll {
	struct event_loop *loop;
	int fd;
	unsigned want, got;
	uint8_t last[2048];
	size_t last_len;
	uint8_t fills[256];
};

static void poll_kernel(void *arg)
{
	struct pair_poll *p = arg;
	ssize_t n;
	while ((n = recv(p->fd, p->last, sizeof(p->last), MSG_DONTWAIT)) > 0) {
		assert_memory_equal(p->last, hdr_b, sizeof(hdr_b));
		if (p->got < sizeof(p->fills))
			p->fills[p->got] = p->last[n - 1];
		p->last_len = (size_t)n;
		p->got++;
	}
	if (p->got >= p->want)
		event_loop_exit(p->loop, 0);
	else
		event_timer_set(p->loop, 5, poll_kernel, p);
}

/* Server relay A and client relay B back to back: what kernel A sends, kernel B gets,
 * whole, in order, with B's header; the magic went first and was taken. */
static void test_frames_cross_both_relays(void **state)
{
	(void)state;
	struct event_loop *loop = event_loop_new();
	int ka[2], kb[2], ab[2], ba[2];
	udp_pair(ka);
	udp_pair(kb);
	assert_int_equal(pipe(ab), 0);
	assert_int_equal(pipe(ba), 0);
	struct end_seen ea = {.loop = loop}, eb = {.loop = loop};
	struct err e;
	struct frame_relay *a = frame_relay_new_fd(loop, ka[1], hdr_a, ba[0], ab[1],
	                                           FRAME_RELAY_SERVER, "server", &ops, &ea, &e);
	struct frame_relay *b = frame_relay_new_fd(loop, kb[1], hdr_b, ab[0], ba[1],
	                                           FRAME_RELAY_CLIENT, "client", &ops, &eb, &e);
	assert_non_null(a);
	assert_non_null(b);
	const unsigned frames = 200;
	struct pair_poll p = {.loop = loop, .fd = kb[0]};
	/* In rounds a socket buffer holds. */
	for (unsigned i = 0; i < frames; i += 20) {
		for (unsigned j = i; j < i + 20; j++)
			kernel_send(ka[0], 0x0021, 100 + j * 7, (uint8_t)j);
		p.want = i + 20;
		event_timer_set(loop, 5, poll_kernel, &p);
		assert_int_equal(run_for(loop, 20000), 0);
	}
	assert_int_equal(p.got, frames);
	for (unsigned i = 0; i < frames; i++)
		assert_int_equal(p.fills[i], (uint8_t)i);
	/* The last: header, ff 03 00 21, then its fill. */
	assert_int_equal(p.last_len, 6 + 100 + (frames - 1) * 7);
	assert_int_equal(ea.ended + eb.ended, 0);
	struct frame_relay_stats sa, sb;
	frame_relay_stats(a, &sa);
	frame_relay_stats(b, &sb);
	assert_int_equal(sa.frames_to_stream, frames);
	assert_int_equal(sb.frames_from_stream, frames);
	assert_int_equal(sa.bytes_to_stream, sb.bytes_from_stream);
	assert_int_equal(sa.dropped_late + sa.dropped_bad + sb.dropped_udp, 0);
	/* A datagram that is no data message is counted, not carried. */
	const uint8_t control[] = {0xc8, 0x02, 0x00, 0x0c, 0, 1, 0, 0, 0, 0, 0, 0};
	assert_int_equal(send(ka[0], control, sizeof(control), 0), (ssize_t)sizeof(control));
	kernel_send(ka[0], 0xc021, 20, 0xee);
	p.want = frames + 1;
	event_timer_set(loop, 5, poll_kernel, &p);
	assert_int_equal(run_for(loop, 20000), 0);
	frame_relay_stats(a, &sa);
	assert_int_equal(sa.dropped_bad, 1);
	assert_int_equal(p.fills[frames], 0xee);
	/* The channel's end ends the relay that reads it, with words saying so. */
	close(ab[1]);
	assert_int_equal(run_for(loop, 20000), 0);
	assert_int_equal(eb.ended, 1);
	assert_non_null(strstr(eb.msg, "client: the ssh channel ended"));
	frame_relay_free(a);
	frame_relay_free(b);
	for (int i = 0; i < 2; i++) {
		close(ka[i]);
		close(kb[i]);
		close(ba[i]);
	}
	close(ab[0]);
	event_loop_free(loop);
}

/* Client: a server that answers with plain PPP (pppd notty's first bytes) ends the
 * relay with a message that says what to set; so does a shell's banner. */
static int expect_end(const char *answer, size_t len, const char *words, const char *fix)
{
	struct event_loop *loop = event_loop_new();
	int k[2], in[2], out[2];
	udp_pair(k);
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	struct end_seen es = {.loop = loop};
	struct err e;
	struct frame_relay *r = frame_relay_new_fd(loop, k[1], hdr_b, in[0], out[1],
	                                           FRAME_RELAY_CLIENT, "office", &ops, &es, &e);
	assert_non_null(r);
	assert_int_equal(write(in[1], answer, len), (ssize_t)len);
	close(in[1]); /* what follows the answer is the channel's end */
	assert_int_equal(run_for(loop, 20000), 0);
	assert_int_equal(es.ended, 1);
	if (!strstr(es.msg, words))
		fprintf(stderr, "message: %s\n", es.msg);
	assert_non_null(strstr(es.msg, words));
	assert_non_null(strstr(es.msg, fix));
	frame_relay_free(r);
	for (int i = 0; i < 2; i++) {
		close(k[i]);
		close(out[i]);
	}
	close(in[0]);
	event_loop_free(loop);
	return es.code;
}

static void test_client_requires_the_magic(void **state)
{
	(void)state;
	const char *fix = "set 'transport pty' for this peer";
	expect_end("\x7e\xff\x7d\x23\xc0\x21", 6,
	           "office: the server did not answer with sshdial's frame transport: it sent "
	           "plain PPP ('~\\xff}#\\xc0!')",
	           fix);
	expect_end("SSHDIAL-FRAMES/2\n", 17, "it sent 'SSHDIAL-FRAMES/2\\x0a'", fix);
	expect_end("SSHDIAL", 7, "ended before the server's frame transport greeting", "");
	/* The magic passed, then a zero length: the stream is broken. */
	expect_end(FRAME_MAGIC "\x00\x00", sizeof(FRAME_MAGIC) + 1,
	           "office: the ssh channel's frame stream is broken", "same frame transport");
	/* None of these is a refusal. */
	assert_int_not_equal(expect_end("SSHDIAL-FRAMES/2\n", 17, "it sent", fix),
	                     FRAME_RELAY_REFUSED);
	assert_int_not_equal(expect_end("SSHDIAL-", 8, "ended before", ""), FRAME_RELAY_REFUSED);
}

/* Client: the server's refusal instead of the magic ends the relay with its reason,
 * whole or cut by the channel's end, control characters made harmless. */
static void test_client_takes_a_refusal(void **state)
{
	(void)state;
	const char line[] = FRAME_REFUSED "sshdial serve: key alice: cannot open lease file "
	                                  "/x/192.168.77.10: Permission denied\n";
	assert_int_equal(expect_end(line, sizeof(line) - 1,
	                            "office: the server refused the link: sshdial serve: key "
	                            "alice: cannot open lease file /x/192.168.77.10: Permission "
	                            "denied",
	                            ""),
	                 FRAME_RELAY_REFUSED);
	/* Cut short by the end of the stream: what came is the reason. */
	assert_int_equal(expect_end(FRAME_REFUSED "no lease", sizeof(FRAME_REFUSED) + 7,
	                            "the server refused the link: no lease", ""),
	                 FRAME_RELAY_REFUSED);
	/* No reason at all. */
	assert_int_equal(expect_end("SSHDIAL-REF", 11, "refused the link: (it gave no reason)", ""),
	                 FRAME_RELAY_REFUSED);
	const char esc[] = FRAME_REFUSED "a\x1b[31mb\n";
	assert_int_equal(expect_end(esc, sizeof(esc) - 1, "refused the link: a?[31mb", ""),
	                 FRAME_RELAY_REFUSED);
}

/* 200 frames of protocol proto through a channel nobody reads for 200 ms, then drained
 * slowly: returns how many the relay dropped, after checking that the rest arrived. */
static unsigned late_queue(uint16_t proto)
{
	struct event_loop *loop = event_loop_new();
	int k[2], in[2], out[2];
	udp_pair(k);
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	int big = 1 << 20;
	setsockopt(k[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	struct end_seen es = {.loop = loop};
	struct err e;
	struct frame_relay *r = frame_relay_new_fd(loop, k[1], hdr_b, in[0], out[1],
	                                           FRAME_RELAY_CLIENT, "office", &ops, &es, &e);
	assert_non_null(r);
	/* Nobody reads the channel: the pipe fills, then the queue, for 200 ms. */
	unsigned sent = 0;
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < 10; i++, sent++)
			kernel_send(k[0], proto, 1400, (uint8_t)sent);
		assert_int_equal(run_for(loop, 10), 1);
	}
	/* Then the channel moves slowly (4 KB per 5 ms) until the relay's queue is empty:
	 * what waited longest is dropped, what is not arrives. */
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	static uint8_t buf[4 << 20];
	size_t got = 0;
	struct frame_relay_stats s;
	for (int i = 0; i < 2000; i++) {
		ssize_t n = read(out[0], buf + got, 4096);
		if (n > 0)
			got += (size_t)n;
		frame_relay_stats(r, &s);
		if (n <= 0 && s.frames_to_stream + s.dropped_late == sent)
			break;
		run_for(loop, 5);
	}
	frame_relay_stats(r, &s);
	/* In order, whole, of the protocol sent. */
	unsigned frames = 0;
	uint8_t last = 0;
	for (size_t at = 0; at + 2 <= got; frames++) {
		size_t len = (size_t)buf[at] << 8 | buf[at + 1];
		size_t p = no_address ? 2 : 4;
		assert_int_equal(len, no_address ? 1398 : 1400);
		assert_int_equal(buf[at + p] << 8 | buf[at + p + 1], proto);
		assert_true(frames == 0 || buf[at + 2 + len - 1] > last);
		last = buf[at + 2 + len - 1];
		at += 2 + len;
	}
	assert_int_equal(frames + s.dropped_late, sent);
	assert_int_equal(frames, s.frames_to_stream);
	frame_relay_free(r);
	for (int i = 0; i < 2; i++) {
		close(k[i]);
		close(in[i]);
		close(out[i]);
	}
	event_loop_free(loop);
	return (unsigned)s.dropped_late;
}

/* Data that waited too long is dropped; link control, never. */
static void test_late_frames_dropped_never_control(void **state)
{
	(void)state;
	assert_true(late_queue(0x0021) > 0);
	assert_int_equal(late_queue(0xc021), 0);
	assert_int_equal(late_queue(0x8021), 0);
	/* Frames without ff 03 (address and control field compression) are told apart too. */
	no_address = true;
	assert_true(late_queue(0x0021) > 0);
	assert_int_equal(late_queue(0xc023), 0);
	assert_int_equal(late_queue(0x8057), 0);
	no_address = false;
}

/* A client relay reading kernel socket k[1] and writing the pipe out (64 KB: a held write
 * and more), with writes held back for up to hold_ms. */
struct held {
	struct event_loop *loop;
	int k[2], in[2], out[2];
	struct end_seen es;
	struct frame_relay *r;
};

static void held_new(struct held *h, unsigned hold_ms)
{
	h->loop = event_loop_new();
	udp_pair(h->k);
	assert_int_equal(pipe(h->in), 0);
	assert_int_equal(pipe(h->out), 0);
	h->es = (struct end_seen){.loop = h->loop};
	struct err e;
	h->r = frame_relay_new_fd(h->loop, h->k[1], hdr_b, h->in[0], h->out[1], FRAME_RELAY_CLIENT,
	                          "office", &ops, &h->es, &e);
	assert_non_null(h->r);
	assert_true(fcntl(h->out[1], F_SETPIPE_SZ, 65536) >= 65536);
	frame_relay_set_hold(h->r, 32768, hold_ms);
}

static void held_free(struct held *h)
{
	frame_relay_free(h->r);
	for (int i = 0; i < 2; i++) {
		close(h->k[i]);
		close(h->in[i]);
		close(h->out[i]);
	}
	event_loop_free(h->loop);
}

static int in_pipe(int fd)
{
	int n = 0;
	assert_int_equal(ioctl(fd, FIONREAD, &n), 0);
	return n;
}

/* Runs the loop in 5-ms steps until the pipe holds at least want bytes (at most 10 s). */
static int run_until_in_pipe(struct held *h, int want)
{
	for (int i = 0; i < 2000 && in_pipe(h->out[0]) < want; i++)
		run_for(h->loop, 5);
	return in_pipe(h->out[0]);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Holding: a few frames wait; 32 KB go at once, in one piece. */
static void test_hold_until_a_full_packet(void **state)
{
	(void)state;
	struct held h;
	held_new(&h, 60000);
	for (int i = 0; i < 5; i++)
		kernel_send(h.k[0], 0x0021, 1000, (uint8_t)i);
	run_for(h.loop, 100);
	assert_int_equal(in_pipe(h.out[0]), 0);
	for (int i = 5; i < 40; i++)
		kernel_send(h.k[0], 0x0021, 1000, (uint8_t)i);
	/* 40 frames of 2 + 1000 bytes: 40080, over 32 KB */
	assert_true(run_until_in_pipe(&h, 32768) >= 32768);
	held_free(&h);
}

/* Holding: what is under 32 KB goes when its oldest frame has waited its time. */
static void test_hold_until_the_deadline(void **state)
{
	(void)state;
	struct held h;
	held_new(&h, 300);
	uint64_t start = mono_ms();
	for (int i = 0; i < 3; i++)
		kernel_send(h.k[0], 0x0021, 1000, (uint8_t)i);
	assert_int_equal(run_until_in_pipe(&h, 3 * 1002), 3 * 1002);
	assert_true(mono_ms() - start >= 300);
	held_free(&h);
}

/* Link control is never held (nor what is queued before it). */
static void test_hold_never_link_control(void **state)
{
	(void)state;
	struct held h;
	held_new(&h, 60000);
	kernel_send(h.k[0], 0x0021, 1000, 1);
	kernel_send(h.k[0], 0xc021, 100, 2);
	assert_int_equal(run_until_in_pipe(&h, 1002 + 102), 1002 + 102);
	held_free(&h);
}

/* A relay freed while it holds frames leaves no timer behind (ASan's build would see its
 * callback run on freed memory). */
static void test_hold_timer_gone_with_the_relay(void **state)
{
	(void)state;
	struct held h;
	held_new(&h, 20);
	kernel_send(h.k[0], 0x0021, 1000, 1);
	run_for(h.loop, 5);
	frame_relay_free(h.r);
	h.r = NULL;
	assert_int_equal(run_for(h.loop, 100), 1); /* ran to its end: nothing fired on r */
	held_free(&h);
}

/* The kernel's transmit counters as the relay reads them (frame_relay_set_counters).
 * racing: a frame of ours is counted between each read of the session's counter and the
 * tunnel's (the tunnel's count first, then the session's), so that no read proves
 * anything; foreign: frames another session sent in the tunnel. */
struct counters {
	uint64_t ours, foreign;
	bool racing;
	unsigned reads;
};

static int read_counters(void *arg, bool tunnel, uint64_t *out)
{
	struct counters *c = arg;
	c->reads++;
	if (!tunnel) {
		*out = c->ours;
		return 0;
	}
	*out = c->ours + c->foreign + (c->racing ? 1 : 0);
	if (c->racing)
		c->ours++;
	return 0;
}

static void checked_new(struct held *h, struct counters *c)
{
	held_new(h, 0);
	frame_relay_set_hold(h->r, 0, 0);
	frame_relay_set_counters(h->r, read_counters, c);
}

/* Datagrams that no read of the counters has proven ours wait, however long, and are not
 * dropped; the first read that proves them carries them all, in order, also more than the
 * relay's slots hold (reading stops meanwhile and the kernel's socket keeps the rest). */
static void test_unproven_wait_then_go(void **state)
{
	(void)state;
	struct counters c = {.racing = true};
	struct held h;
	checked_new(&h, &c);
	for (int i = 0; i < 200; i++)
		kernel_send(h.k[0], 0x0021, 100, (uint8_t)i);
	run_for(h.loop, 300);
	assert_true(c.reads > 10); /* read again and again */
	assert_int_equal(in_pipe(h.out[0]), 0);
	struct frame_relay_stats st;
	frame_relay_stats(h.r, &st);
	assert_int_equal(st.dropped_foreign, 0);
	assert_int_equal(h.es.ended, 0);

	c.racing = false;
	assert_int_equal(run_until_in_pipe(&h, 200 * 102), 200 * 102);
	uint8_t got[200 * 102];
	assert_int_equal(read(h.out[0], got, sizeof(got)), (ssize_t)sizeof(got));
	for (int i = 0; i < 200; i++) {
		assert_int_equal(got[i * 102], 0);
		assert_int_equal(got[i * 102 + 1], 100);
		assert_int_equal(got[i * 102 + 101], (uint8_t)i);
	}
	frame_relay_stats(h.r, &st);
	assert_int_equal(st.dropped_foreign + st.dropped_full + st.dropped_late, 0);
	held_free(&h);
}

/* Another session's frame in the tunnel: nothing read since goes into the stream, and the
 * relay ends, saying so, once the counters still say it after a moment. */
static void test_foreign_session_ends_carrying_nothing(void **state)
{
	(void)state;
	struct counters c = {.ours = 1000, .foreign = 1};
	struct held h;
	checked_new(&h, &c);
	for (int i = 0; i < 5; i++)
		kernel_send(h.k[0], 0x0021, 100, (uint8_t)i);
	uint64_t start = mono_ms();
	for (int i = 0; i < 200 && !h.es.ended; i++)
		run_for(h.loop, 10);
	assert_int_equal(h.es.ended, 1);
	assert_true(mono_ms() - start >= 40); /* CONFIRMS reads, CONFIRM_MS apart */
	assert_non_null(strstr(h.es.msg, "another local process attached a session"));
	assert_non_null(strstr(h.es.msg, "5 datagrams in all, none carried"));
	assert_int_equal(in_pipe(h.out[0]), 0);
	struct frame_relay_stats st;
	frame_relay_stats(h.r, &st);
	assert_int_equal(st.dropped_foreign, 5);
	assert_int_equal(st.foreign_sessions, 1);
	held_free(&h);
}

/* Proven datagrams go at once; a foreign frame counted later keeps what is read after it
 * from the stream, though what went before it went. */
static void test_proven_then_foreign(void **state)
{
	(void)state;
	struct counters c = {0};
	struct held h;
	checked_new(&h, &c);
	for (int i = 0; i < 3; i++)
		kernel_send(h.k[0], 0x0021, 100, (uint8_t)i);
	assert_int_equal(run_until_in_pipe(&h, 3 * 102), 3 * 102);
	c.foreign = 1;
	kernel_send(h.k[0], 0x0021, 100, 9);
	for (int i = 0; i < 200 && !h.es.ended; i++)
		run_for(h.loop, 10);
	assert_int_equal(h.es.ended, 1);
	assert_int_equal(in_pipe(h.out[0]), 3 * 102);
	held_free(&h);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_frames_cross_both_relays),
	    cmocka_unit_test(test_client_requires_the_magic),
	    cmocka_unit_test(test_client_takes_a_refusal),
	    cmocka_unit_test(test_late_frames_dropped_never_control),
	    cmocka_unit_test(test_hold_until_a_full_packet),
	    cmocka_unit_test(test_hold_until_the_deadline),
	    cmocka_unit_test(test_hold_never_link_control),
	    cmocka_unit_test(test_hold_timer_gone_with_the_relay),
	    cmocka_unit_test(test_unproven_wait_then_go),
	    cmocka_unit_test(test_foreign_session_ends_carrying_nothing),
	    cmocka_unit_test(test_proven_then_foreign),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
