#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "frames/rx_time.h"

#define MS(x) ((uint64_t)(x)*1000000ull)

union ctl {
	char buf[RX_TIME_SPACE];
	struct cmsghdr align;
};

/* A message whose control holds the stamp k. */
static void stamped(struct msghdr *h, union ctl *c, struct timespec k)
{
	memset(h, 0, sizeof(*h));
	memset(c, 0, sizeof(*c));
	h->msg_control = c->buf;
	h->msg_controllen = sizeof(c->buf);
	struct cmsghdr *m = CMSG_FIRSTHDR(h);
	m->cmsg_level = SOL_SOCKET;
	m->cmsg_type = SCM_TIMESTAMPNS;
	m->cmsg_len = CMSG_LEN(sizeof(k));
	memcpy(CMSG_DATA(m), &k, sizeof(k));
}

static void the_age_at_read_is_taken_back_from_now(void **state)
{
	(void)state;
	struct msghdr h;
	union ctl c;
	/* queued 1.75 s before the read, across a second's boundary */
	stamped(&h, &c, (struct timespec){.tv_sec = 1700000000, .tv_nsec = 900000000});
	struct timespec real = {.tv_sec = 1700000002, .tv_nsec = 650000000};
	assert_int_equal(rx_time_arrival(&h, &real, MS(50000)), MS(50000) - MS(1750));
}

static void no_stamp_or_a_cut_one_is_now(void **state)
{
	(void)state;
	struct msghdr h = {0};
	struct timespec real = {.tv_sec = 1700000002};
	assert_int_equal(rx_time_arrival(&h, &real, MS(50000)), MS(50000));
	union ctl c;
	stamped(&h, &c, (struct timespec){.tv_sec = 1700000000});
	h.msg_flags = MSG_CTRUNC;
	assert_int_equal(rx_time_arrival(&h, &real, MS(50000)), MS(50000));
}

static void a_stamp_in_the_future_is_now_and_none_before_zero(void **state)
{
	(void)state;
	struct msghdr h;
	union ctl c;
	stamped(&h, &c, (struct timespec){.tv_sec = 1700000005});
	struct timespec real = {.tv_sec = 1700000002};
	assert_int_equal(rx_time_arrival(&h, &real, MS(50000)), MS(50000));
	/* the realtime clock stepped forward a day: an age beyond the monotonic clock */
	stamped(&h, &c, (struct timespec){.tv_sec = 1700000000});
	real.tv_sec += 86400;
	assert_int_equal(rx_time_arrival(&h, &real, MS(50000)), 0);
}

/* The kernel's own stamp on a real UDP socket: a datagram left waiting 50 ms. */
static void a_datagram_that_waited_in_the_socket(void **state)
{
	(void)state;
	int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(rx >= 0 && tx >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	assert_int_equal(bind(rx, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(rx, (struct sockaddr *)&a, &alen), 0);
	assert_true(rx_time_enable(rx));
	/* The kernel turns its stamping on a moment later (a deferred static key, a work item
	 * that a busy machine runs late): until then a datagram is stamped when read, so the
	 * datagram is sent again, a while later, until its stamp is the kernel's (a minute at
	 * most); a stamp that never shows the wait fails. */
	uint64_t waited = 0;
	for (int i = 0; i < 200 && waited < MS(49); i++) {
		usleep(i ? 250000 : 100000);
		assert_int_equal(sendto(tx, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)), 1);
		usleep(50000);
		char b[8];
		struct iovec iov = {.iov_base = b, .iov_len = sizeof(b)};
		union ctl c;
		struct msghdr h = {.msg_iov = &iov,
		                   .msg_iovlen = 1,
		                   .msg_control = c.buf,
		                   .msg_controllen = sizeof(c.buf)};
		assert_int_equal(recvmsg(rx, &h, 0), 1);
		struct timespec real, mono;
		clock_gettime(CLOCK_REALTIME, &real);
		clock_gettime(CLOCK_MONOTONIC, &mono);
		uint64_t now = (uint64_t)mono.tv_sec * 1000000000ull + (uint64_t)mono.tv_nsec;
		waited = now - rx_time_arrival(&h, &real, now);
		/* an upper bound only a machine paused for a minute breaks */
		assert_true(waited < MS(60000));
	}
	/* at least the sleep */
	assert_true(waited >= MS(49));
	close(rx);
	close(tx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_age_at_read_is_taken_back_from_now),
	    cmocka_unit_test(no_stamp_or_a_cut_one_is_now),
	    cmocka_unit_test(a_stamp_in_the_future_is_now_and_none_before_zero),
	    cmocka_unit_test(a_datagram_that_waited_in_the_socket),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
