/* One netlink monitor and one request socket per process, however many subscribe; both
 * close with the last subscriber. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "skip.h"

#include "lib/event.h"
#include "net/nlmon.h"

static void on_change(void *arg, unsigned what)
{
	(void)arg;
	(void)what;
}

static void assert_open(unsigned monitors, unsigned requests)
{
	unsigned m, r;
	nlmon_counts(&m, &r);
	assert_int_equal(m, monitors);
	assert_int_equal(r, requests);
}

static void links_share_one_monitor(void **state)
{
	(void)state;
	struct event_loop *loop = event_loop_new();
	assert_open(0, 0);
	struct nlmon_sub *a = nlmon_subscribe(loop, "a", on_change, NULL);
	struct nlmon_sub *b = nlmon_subscribe(loop, "b", on_change, NULL);
	struct nlmon_sub *health = nlmon_subscribe(loop, "health", NULL, NULL);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(health);
	assert_open(1, 1);
	assert_ptr_equal(nlmon_request_socket(a), nlmon_request_socket(health));
	nlmon_unsubscribe(a);
	assert_open(1, 1);
	nlmon_unsubscribe(b);
	assert_open(0, 1); /* no watcher left: nobody reads events */
	nlmon_unsubscribe(health);
	assert_open(0, 0);
	event_loop_free(loop);
}

static void requests_alone_open_no_monitor(void **state)
{
	(void)state;
	struct event_loop *loop = event_loop_new();
	struct nlmon_sub *h = nlmon_subscribe(loop, "health", NULL, NULL);
	assert_open(0, 1);
	struct nlmon_sub *w = nlmon_subscribe(loop, "watch", on_change, NULL);
	assert_open(1, 1);
	nlmon_unsubscribe(h);
	nlmon_unsubscribe(w);
	nlmon_unsubscribe(NULL);
	assert_open(0, 0);
	event_loop_free(loop);
}

static void one_loop_per_process(void **state)
{
	(void)state;
	struct event_loop *one = event_loop_new(), *other = event_loop_new();
	struct nlmon_sub *a = nlmon_subscribe(one, "a", on_change, NULL);
	assert_non_null(a);
	assert_null(nlmon_subscribe(other, "b", on_change, NULL));
	nlmon_unsubscribe(a);
	/* once all are gone, another loop may take it */
	struct nlmon_sub *b = nlmon_subscribe(other, "b", on_change, NULL);
	assert_non_null(b);
	nlmon_unsubscribe(b);
	assert_open(0, 0);
	event_loop_free(one);
	event_loop_free(other);
}

/* ---- events, in a network namespace of the test's own (root only) ---- */

struct seen {
	struct event_loop *loop;
	unsigned calls;
	unsigned what;
	struct nlmon_sub *self;
	struct nlmon_sub *other; /* unsubscribed from inside the callback, when set */
};

static void on_event(void *arg, unsigned what)
{
	struct seen *s = arg;
	s->calls++;
	s->what |= what;
	if (s->other) {
		nlmon_unsubscribe(s->self);
		nlmon_unsubscribe(s->other);
	}
	event_loop_exit(s->loop, 0);
}

static void on_guard(void *arg)
{
	event_loop_exit(arg, 99);
}

static int own_netns(void)
{
	return unshare(CLONE_NEWNET);
}

static void set_lo_up(void)
{
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags = (short)(ifr.ifr_flags ^ IFF_UP);
	assert_int_equal(ioctl(fd, SIOCSIFFLAGS, &ifr), 0);
	close(fd);
}

static void every_subscriber_hears_an_event(void **state)
{
	(void)state;
	if (own_netns() < 0)
		skip_because("needs root: a network namespace of its own to change");
	struct event_loop *loop = event_loop_new();
	struct seen a = {.loop = loop}, b = {.loop = loop};
	struct nlmon_sub *sa = nlmon_subscribe(loop, "a", on_event, &a);
	struct nlmon_sub *sb = nlmon_subscribe(loop, "b", on_event, &b);
	event_timer_set(loop, 3000, on_guard, loop);
	set_lo_up();
	assert_int_equal(event_loop_run(loop), 0);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 1);
	assert_true(a.what & NLMON_LINK);
	nlmon_unsubscribe(sa);
	nlmon_unsubscribe(sb);
	assert_open(0, 0);
	event_loop_free(loop);
}

static void unsubscribing_inside_a_callback_is_safe(void **state)
{
	(void)state;
	if (own_netns() < 0)
		skip_because("needs root: a network namespace of its own to change");
	struct event_loop *loop = event_loop_new();
	struct seen a = {.loop = loop}, b = {.loop = loop};
	/* the newest is called first: a, then b, unless a's callback drops b */
	b.self = nlmon_subscribe(loop, "b", on_event, &b);
	a.self = nlmon_subscribe(loop, "a", on_event, &a);
	a.other = b.self;
	event_timer_set(loop, 3000, on_guard, loop);
	set_lo_up();
	assert_int_equal(event_loop_run(loop), 0);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 0);
	assert_open(0, 0); /* both gone: the sockets closed after the dispatch */
	event_loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(links_share_one_monitor),
	    cmocka_unit_test(requests_alone_open_no_monitor),
	    cmocka_unit_test(one_loop_per_process),
	    cmocka_unit_test(every_subscriber_hears_an_event),
	    cmocka_unit_test(unsubscribing_inside_a_callback_is_safe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
