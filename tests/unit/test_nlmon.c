/* One netlink monitor and one request socket per process, however many subscribe; both
 * close with the last subscriber. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "event.h"
#include "nlmon.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(links_share_one_monitor),
	    cmocka_unit_test(requests_alone_open_no_monitor),
	    cmocka_unit_test(one_loop_per_process),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
