#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/backoff.h"

static void first_retry_is_immediate_then_grows_to_cap(void **state)
{
	(void)state;
	struct backoff b;
	backoff_init(&b, 1000, 30000, 12345);
	assert_int_equal(backoff_next(&b), 0);
	unsigned expect[] = {1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		unsigned d = backoff_next(&b);
		/* jitter within [0.75, 1.25) of the nominal delay, never past the cap */
		assert_true(d >= expect[i] * 3 / 4);
		assert_true(d < expect[i] * 5 / 4 || d == 30000);
		assert_true(d <= 30000);
	}
}

static void reset_starts_over(void **state)
{
	(void)state;
	struct backoff b;
	backoff_init(&b, 500, 10000, 7);
	backoff_next(&b);
	backoff_next(&b);
	backoff_next(&b);
	backoff_reset(&b);
	assert_int_equal(backoff_next(&b), 0);
	unsigned d = backoff_next(&b);
	assert_true(d >= 375 && d < 625);
}

static void jitter_varies(void **state)
{
	(void)state;
	struct backoff a, b;
	backoff_init(&a, 1000, 30000, 1);
	backoff_init(&b, 1000, 30000, 99);
	unsigned same = 0;
	for (int i = 0; i < 6; i++)
		same += backoff_next(&a) == backoff_next(&b);
	assert_true(same < 6); /* the first (0) matches; the jittered ones should not all */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(first_retry_is_immediate_then_grows_to_cap),
	    cmocka_unit_test(reset_starts_over),
	    cmocka_unit_test(jitter_varies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
