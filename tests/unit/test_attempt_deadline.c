#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "link/attempt_deadline.h"

static void first_attempt_gets_the_base(void **state)
{
	(void)state;
	assert_int_equal(attempt_deadline_ms(0), 60000);
}

static void each_missed_deadline_doubles_the_next(void **state)
{
	(void)state;
	assert_int_equal(attempt_deadline_ms(1), 120000);
	assert_int_equal(attempt_deadline_ms(2), 240000);
	assert_int_equal(attempt_deadline_ms(3), 480000);
}

static void never_past_the_cap(void **state)
{
	(void)state;
	/* However long the storm: no overflow, no wrap to a short bound. */
	unsigned missed[] = {4, 5, 31, 32, 33, 1000, 4294967295u};
	for (size_t i = 0; i < sizeof(missed) / sizeof(missed[0]); i++)
		assert_int_equal(attempt_deadline_ms(missed[i]), ATTEMPT_DEADLINE_CAP_MS);
	for (unsigned m = 0; m < 64; m++)
		assert_true(attempt_deadline_ms(m + 1) >= attempt_deadline_ms(m));
}

static void ssh_connect_timeout_grows_with_the_deadline(void **state)
{
	(void)state;
	assert_int_equal(attempt_connect_timeout_s(0), 15); /* ssh_argv's default */
	assert_int_equal(attempt_connect_timeout_s(1), 30);
	assert_int_equal(attempt_connect_timeout_s(2), 60);
	assert_int_equal(attempt_connect_timeout_s(3), 120);
	assert_int_equal(attempt_connect_timeout_s(40), 120);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(first_attempt_gets_the_base),
	    cmocka_unit_test(each_missed_deadline_doubles_the_next),
	    cmocka_unit_test(never_past_the_cap),
	    cmocka_unit_test(ssh_connect_timeout_grows_with_the_deadline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
