/* The health probe (health.c) on a real interface: the loopback of a network namespace of
 * the test's own (root), whose state the test sets.  The probe schedule, the count of
 * unanswered probes, the verdict within the timeout, and "any packet received counts as
 * alive". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/event.h"
#include "link/health.h"
#include "skip.h"

#define INTERVAL_MS 100
#define TIMEOUT_MS 400
/* How late a loaded machine (or a sanitizer build) may run the loop's timers: a verdict
 * is checked not to come early, and to come, not how promptly a slow machine ran it. */
#define LATE_MS 5000

struct verdict {
	struct event_loop *loop;
	unsigned calls;
	char why[256];
	struct timespec at;
};

static void on_dead(void *arg, const char *why)
{
	struct verdict *v = arg;
	v->calls++;
	snprintf(v->why, sizeof(v->why), "%s", why);
	clock_gettime(CLOCK_MONOTONIC, &v->at);
	event_loop_exit(v->loop, 0);
}

static void on_over(void *arg)
{
	event_loop_exit(arg, 0);
}

static unsigned ms_between(const struct timespec *a, const struct timespec *b)
{
	return (unsigned)((b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000);
}

static void set_lo(bool up)
{
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags = (short)(up ? ifr.ifr_flags | IFF_UP : ifr.ifr_flags & ~IFF_UP);
	assert_int_equal(ioctl(fd, SIOCSIFFLAGS, &ifr), 0);
	close(fd);
}

/* Each test in a namespace of its own: a fresh loopback, down until the test says. */
#define NEED_ROOT()                                                                                \
	do {                                                                                       \
		if (unshare(CLONE_NEWNET) < 0)                                                     \
			skip_because("needs root: a network namespace of its own, whose loopback " \
			             "it takes up and down");                                      \
	} while (0)

/* Traffic on lo that is not the probe's: a datagram to the discard port every interval. */
struct chatter {
	struct event_loop *loop;
	int fd;
	unsigned left;
};

static void on_chatter(void *arg)
{
	struct chatter *c = arg;
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	(void)!sendto(c->fd, "x", 1, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to));
	if (--c->left)
		event_timer_set(c->loop, INTERVAL_MS, on_chatter, c);
}

/* Answered probes: no verdict, and a round-trip time. */
static void answered_probes_keep_it_alive(void **state)
{
	(void)state;
	NEED_ROOT();
	set_lo(true);
	struct event_loop *loop = event_loop_new();
	struct verdict v = {.loop = loop};
	struct health *h =
	    health_start(loop, "unit", "lo", "127.0.0.1", INTERVAL_MS, TIMEOUT_MS, on_dead, &v);
	assert_non_null(h);
	event_timer_set(loop, 4 * TIMEOUT_MS, on_over, loop);
	assert_int_equal(event_loop_run(loop), 0);
	assert_int_equal(v.calls, 0);
	assert_true(health_rtt_us(h) >= 0);
	health_stop(h);
	event_loop_free(loop);
}

/* Silence (lo down: no answer, no packet): dead once the timeout has passed, not before
 * and not much later (one interval), having sent a probe every interval. */
static void silence_is_dead_after_the_timeout(void **state)
{
	(void)state;
	NEED_ROOT();
	struct event_loop *loop = event_loop_new();
	struct verdict v = {.loop = loop};
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct health *h =
	    health_start(loop, "unit", "lo", "192.0.2.1", INTERVAL_MS, TIMEOUT_MS, on_dead, &v);
	assert_non_null(h);
	event_timer_set(loop, 10 * TIMEOUT_MS + LATE_MS, on_over, loop);
	assert_int_equal(event_loop_run(loop), 0);
	assert_int_equal(v.calls, 1);
	unsigned took = ms_between(&t0, &v.at);
	print_message("dead after %u ms (timeout %u ms): %s\n", took, TIMEOUT_MS, v.why);
	assert_in_range(took, TIMEOUT_MS - 5, TIMEOUT_MS + 2 * INTERVAL_MS + LATE_MS);
	unsigned probes = 0;
	char rest[200];
	assert_int_equal(
	    sscanf(v.why, "no answer to %u probes of 192.0.2.1 %199[^\n]", &probes, rest), 2);
	/* A probe every interval: fewer when the machine ran the timers late. */
	assert_in_range(probes, 1, TIMEOUT_MS / INTERVAL_MS + 1);
	assert_string_equal(rest, "and no packet received on lo for 0.4 s");
	health_stop(h);
	event_loop_free(loop);
}

/* Any packet received counts as alive: a link that carries other traffic is not dead
 * for want of probe answers (on the loopback a probe would come back as a packet
 * received, so this one has none: a peer without an IPv4 address); once that traffic
 * stops, the verdict follows within the timeout. */
static void any_packet_received_counts_as_alive(void **state)
{
	(void)state;
	NEED_ROOT();
	set_lo(true);
	struct event_loop *loop = event_loop_new();
	struct chatter c = {.loop = loop, .left = 4 * TIMEOUT_MS / INTERVAL_MS};
	c.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(c.fd >= 0);
	struct verdict v = {.loop = loop};
	struct health *h =
	    health_start(loop, "unit", "lo", "fe80::1", INTERVAL_MS, TIMEOUT_MS, on_dead, &v);
	assert_non_null(h);
	on_chatter(&c);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	event_timer_set(loop, 20 * TIMEOUT_MS + LATE_MS, on_over, loop);
	assert_int_equal(event_loop_run(loop), 0);
	assert_int_equal(v.calls, 1);
	/* The chatter lasted 4 timeouts; the verdict came only after it stopped. */
	unsigned took = ms_between(&t0, &v.at);
	print_message("dead %u ms after the chatter began (it lasted %u ms)\n", took,
	              4 * TIMEOUT_MS);
	assert_in_range(took, 4 * TIMEOUT_MS, 5 * TIMEOUT_MS + 3 * INTERVAL_MS + LATE_MS);
	assert_string_equal(v.why, "no packet received on lo for 0.4 s");
	health_stop(h);
	close(c.fd);
	event_loop_free(loop);
}

/* Without an IPv4 peer address there is no probe, only the counter: silence is dead. */
static void the_counter_alone_without_probes(void **state)
{
	(void)state;
	NEED_ROOT();
	set_lo(true);
	struct event_loop *loop = event_loop_new();
	struct verdict v = {.loop = loop};
	struct health *h =
	    health_start(loop, "unit", "lo", "fe80::1", INTERVAL_MS, TIMEOUT_MS, on_dead, &v);
	assert_non_null(h);
	event_timer_set(loop, 10 * TIMEOUT_MS + LATE_MS, on_over, loop);
	assert_int_equal(event_loop_run(loop), 0);
	assert_int_equal(v.calls, 1);
	assert_string_equal(v.why, "no packet received on lo for 0.4 s");
	assert_int_equal(health_rtt_us(h), -1);
	health_stop(h);
	event_loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(answered_probes_keep_it_alive),
	    cmocka_unit_test(silence_is_dead_after_the_timeout),
	    cmocka_unit_test(any_packet_received_counts_as_alive),
	    cmocka_unit_test(the_counter_alone_without_probes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
