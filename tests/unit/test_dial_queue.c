#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "daemon/dial_queue.h"

static int k[8]; /* keys: their addresses */

static void bound_then_fifo(void **state)
{
	(void)state;
	struct dial_queue *q = dial_queue_new(2);
	assert_true(dial_queue_acquire(q, &k[0]));
	assert_true(dial_queue_acquire(q, &k[1]));
	assert_false(dial_queue_acquire(q, &k[2]));
	assert_false(dial_queue_acquire(q, &k[3]));
	assert_false(dial_queue_acquire(q, &k[4]));
	assert_int_equal(dial_queue_active(q), 2);
	assert_int_equal(dial_queue_length(q), 3);
	/* A freed slot goes to the first waiter, then the next, in order. */
	assert_ptr_equal(dial_queue_release(q, &k[1]), &k[2]);
	assert_true(dial_queue_holds(q, &k[2]));
	assert_false(dial_queue_waiting(q, &k[2]));
	assert_ptr_equal(dial_queue_release(q, &k[0]), &k[3]);
	assert_int_equal(dial_queue_active(q), 2);
	/* One that dialed and failed waits behind the others. */
	assert_false(dial_queue_acquire(q, &k[0]));
	assert_ptr_equal(dial_queue_release(q, &k[2]), &k[4]);
	assert_ptr_equal(dial_queue_release(q, &k[3]), &k[0]);
	assert_null(dial_queue_release(q, &k[4]));
	assert_null(dial_queue_release(q, &k[0]));
	assert_int_equal(dial_queue_active(q), 0);
	assert_int_equal(dial_queue_length(q), 0);
	dial_queue_free(q);
}

static void acquire_twice_is_once(void **state)
{
	(void)state;
	struct dial_queue *q = dial_queue_new(1);
	assert_true(dial_queue_acquire(q, &k[0]));
	assert_true(dial_queue_acquire(q, &k[0]));
	assert_int_equal(dial_queue_active(q), 1);
	assert_false(dial_queue_acquire(q, &k[1]));
	assert_false(dial_queue_acquire(q, &k[1]));
	assert_int_equal(dial_queue_length(q), 1);
	assert_ptr_equal(dial_queue_release(q, &k[0]), &k[1]);
	assert_null(dial_queue_release(q, &k[1]));
	dial_queue_free(q);
}

static void leaving_the_queue_frees_no_slot(void **state)
{
	(void)state;
	struct dial_queue *q = dial_queue_new(1);
	assert_true(dial_queue_acquire(q, &k[0]));
	assert_false(dial_queue_acquire(q, &k[1]));
	assert_false(dial_queue_acquire(q, &k[2]));
	assert_false(dial_queue_acquire(q, &k[3]));
	/* The last waiter leaves (stopped while queued): the tail stays right. */
	assert_null(dial_queue_release(q, &k[3]));
	assert_null(dial_queue_release(q, &k[1]));
	assert_false(dial_queue_acquire(q, &k[4]));
	assert_int_equal(dial_queue_active(q), 1);
	assert_int_equal(dial_queue_length(q), 2);
	assert_ptr_equal(dial_queue_release(q, &k[0]), &k[2]);
	assert_ptr_equal(dial_queue_release(q, &k[2]), &k[4]);
	/* A key it does not know changes nothing. */
	assert_null(dial_queue_release(q, &k[5]));
	assert_int_equal(dial_queue_active(q), 1);
	dial_queue_free(q); /* with a holder left: no leak */
}

static void zero_is_no_bound(void **state)
{
	(void)state;
	struct dial_queue *q = dial_queue_new(0);
	for (int i = 0; i < 8; i++)
		assert_true(dial_queue_acquire(q, &k[i]));
	assert_int_equal(dial_queue_active(q), 8);
	assert_null(dial_queue_release(q, &k[3]));
	dial_queue_free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bound_then_fifo),
	    cmocka_unit_test(acquire_twice_is_once),
	    cmocka_unit_test(leaving_the_queue_frees_no_slot),
	    cmocka_unit_test(zero_is_no_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
