#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/words.h"

/* Splits line and checks the words; expected is NULL-terminated. */
static void assert_split(const char *line, const char *const *expected)
{
	const char *error = NULL;
	struct strv *v = words_split(line, &error);
	assert_non_null(v);
	size_t n = 0;
	while (expected[n])
		n++;
	assert_int_equal(strv_len(v), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(strv_get(v, i), expected[i]);
	strv_free(v);
}

static void assert_split_error(const char *line, const char *message)
{
	const char *error = NULL;
	assert_null(words_split(line, &error));
	assert_string_equal(error, message);
}

static void test_whitespace(void **state)
{
	(void)state;
	assert_split("host  server\t# comment", (const char *const[]){"host", "server", NULL});
	assert_split("", (const char *const[]){NULL});
	assert_split("   # only a comment", (const char *const[]){NULL});
}

static void test_quotes(void **state)
{
	(void)state;
	assert_split("pty 'ssh -e none pppuser@server false'",
	             (const char *const[]){"pty", "ssh -e none pppuser@server false", NULL});
	assert_split("a \"b c\" 'd \"e\"'", (const char *const[]){"a", "b c", "d \"e\"", NULL});
	assert_split("ab\"c d\"e", (const char *const[]){"abc de", NULL});
	assert_split("x '' y", (const char *const[]){"x", "", "y", NULL});
	assert_split("'# not a comment' a#b",
	             (const char *const[]){"# not a comment", "a#b", NULL});
}

static void test_backslash(void **state)
{
	(void)state;
	assert_split("a\\ b c", (const char *const[]){"a b", "c", NULL});
	assert_split("\"a\\\"b\"", (const char *const[]){"a\"b", NULL});
	assert_split("'a\\b'", (const char *const[]){"a\\b", NULL});
	assert_split("\\#x", (const char *const[]){"#x", NULL});
}

static void test_errors(void **state)
{
	(void)state;
	assert_split_error("pty \"ssh server", "unterminated double quote; add the closing \"");
	assert_split_error("pty 'ssh server", "unterminated single quote; add the closing '");
	assert_split_error("a b\\", "backslash at the end; write \\\\ for a backslash");
}

static void test_stream_lines(void **state)
{
	(void)state;
	const char *text = "pty 'a\nb'\n\n  user \\\n x # c\nlast";
	struct words *w = words_new(text, 1);
	const char *word;
	assert_int_equal(words_next(w, &word), 1);
	assert_string_equal(word, "pty");
	assert_int_equal(words_line(w), 1);
	assert_true(words_first_on_line(w));
	assert_int_equal(words_next(w, &word), 1);
	assert_string_equal(word, "a\nb");
	assert_int_equal(words_line(w), 1);
	assert_false(words_first_on_line(w));
	assert_int_equal(words_start(w), 4);
	assert_int_equal(words_end(w), 9);
	assert_int_equal(words_next(w, &word), 1);
	assert_string_equal(word, "user");
	assert_int_equal(words_line(w), 4);
	assert_true(words_first_on_line(w));
	/* The escaped newline joins the lines: x is not first on a line. */
	assert_int_equal(words_next(w, &word), 1);
	assert_string_equal(word, "x");
	assert_int_equal(words_line(w), 5);
	assert_false(words_first_on_line(w));
	assert_int_equal(words_next(w, &word), 1);
	assert_string_equal(word, "last");
	assert_int_equal(words_line(w), 6);
	assert_true(words_first_on_line(w));
	assert_int_equal(words_next(w, &word), 0);
	words_free(w);
}

static void test_stream_error_line(void **state)
{
	(void)state;
	struct words *w = words_new("a\nb \"c\nd\ne", 10);
	const char *word;
	assert_int_equal(words_next(w, &word), 1);
	assert_int_equal(words_next(w, &word), 1);
	assert_int_equal(words_next(w, &word), -1);
	assert_int_equal(words_line(w), 11); /* where the quote opened */
	assert_string_equal(words_error(w), "unterminated double quote; add the closing \"");
	assert_int_equal(words_next(w, &word), -1);
	words_free(w);
}

static void test_long_word(void **state)
{
	(void)state;
	char line[3000];
	for (size_t i = 0; i < sizeof(line) - 1; i++)
		line[i] = (char)('a' + i % 26);
	line[sizeof(line) - 1] = '\0';
	struct words *w = words_new(line, 1);
	const char *word;
	assert_int_equal(words_next(w, &word), 1);
	assert_string_equal(word, line);
	words_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_whitespace),   cmocka_unit_test(test_quotes),
	    cmocka_unit_test(test_backslash),    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_stream_lines), cmocka_unit_test(test_stream_error_line),
	    cmocka_unit_test(test_long_word),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
