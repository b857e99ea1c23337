#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lib/strv.h"

static void test_push_and_get(void **state)
{
	(void)state;
	struct strv *v = strv_new();
	assert_int_equal(strv_len(v), 0);
	assert_null(strv_argv(v)[0]);
	strv_push(v, "pppd");
	strv_pushf(v, "%s-%d", "unit", 7);
	assert_int_equal(strv_len(v), 2);
	assert_string_equal(strv_get(v, 0), "pppd");
	assert_string_equal(strv_get(v, 1), "unit-7");
	assert_null(strv_get(v, 2));
	strv_free(v);
}

static void test_copies_strings(void **state)
{
	(void)state;
	char buf[] = "before";
	struct strv *v = strv_new();
	strv_push(v, buf);
	strcpy(buf, "after!");
	assert_string_equal(strv_get(v, 0), "before");
	strv_free(v);
}

static void test_argv_stays_terminated_while_growing(void **state)
{
	(void)state;
	struct strv *v = strv_new();
	for (int i = 0; i < 100; i++) {
		strv_pushf(v, "w%d", i);
		assert_null(strv_argv(v)[i + 1]);
	}
	char *const *argv = strv_argv(v);
	assert_int_equal(strv_len(v), 100);
	assert_string_equal(argv[0], "w0");
	assert_string_equal(argv[99], "w99");
	strv_free(v);
}

static void test_free_null(void **state)
{
	(void)state;
	strv_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_push_and_get),
	    cmocka_unit_test(test_copies_strings),
	    cmocka_unit_test(test_argv_stays_terminated_while_growing),
	    cmocka_unit_test(test_free_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
