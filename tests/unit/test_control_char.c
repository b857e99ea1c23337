#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lib/text.h"

static bool has(const char *s)
{
	return has_control_char(s, strlen(s));
}

static void test_plain_text(void **state)
{
	(void)state;
	assert_false(has(""));
	assert_false(has("plain words"));
	assert_false(has("laid\tout\twith tabs"));
	assert_false(has("caf\xc3\xa9 \xe2\x82\xac"));
	assert_false(has_control_char(NULL, 0));
}

static void test_controls(void **state)
{
	(void)state;
	assert_true(has("a\nb"));
	assert_true(has("a\rb"));
	assert_true(has("\x1b[31m"));
	assert_true(has("del\x7f"));
	assert_true(has("\x01"));
	/* Counted, not terminated: a NUL inside counts, bytes past n do not. */
	assert_true(has_control_char("a\0b", 3));
	assert_false(has_control_char("ab\n", 2));
}

static void test_quote_bytes(void **state)
{
	(void)state;
	char q[32];
	/* printable ASCII as it is; a NUL, a newline, a backslash and high bytes escaped */
	quote_bytes(q, sizeof(q), "~\xff}#\0a\\\n", 8);
	assert_string_equal(q, "~\\xff}#\\x00a\\x5c\\x0a");
	/* cut before a piece that does not fit, never inside one */
	quote_bytes(q, 6, "ab\x01", 3);
	assert_string_equal(q, "ab");
	quote_bytes(q, sizeof(q), "", 0);
	assert_string_equal(q, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_text),
	    cmocka_unit_test(test_controls),
	    cmocka_unit_test(test_quote_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
