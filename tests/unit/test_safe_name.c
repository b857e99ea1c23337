#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/text.h"

static void test_accepted(void **state)
{
	(void)state;
	assert_true(safe_name_valid("office"));
	assert_true(safe_name_valid("a.b_c-9"));
	assert_true(safe_name_valid("Branch-1.office_2"));
	assert_true(safe_name_valid("x"));
	assert_true(safe_name_valid("a."));
	assert_true(safe_name_valid("abcdefghijklmnopqrstuvwxyz012345"));
}

static void test_refused(void **state)
{
	(void)state;
	assert_false(safe_name_valid(""));
	assert_false(safe_name_valid("abcdefghijklmnopqrstuvwxyz0123456"));
	assert_false(safe_name_valid("."));
	assert_false(safe_name_valid(".."));
	assert_false(safe_name_valid(".hidden"));
	assert_false(safe_name_valid("a/b"));
	assert_false(safe_name_valid("a b"));
	assert_false(safe_name_valid("a\"b"));
	assert_false(safe_name_valid("a\tb"));
	assert_false(safe_name_valid("a\nb"));
	assert_false(safe_name_valid("caf\xc3\xa9"));
	assert_false(safe_name_valid("a;b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepted),
	    cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
