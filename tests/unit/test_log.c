#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/diag.h"
#include "lib/log.h"

/* Escapes src into a large buffer; asserts that it fit. */
static const char *esc(const char *src)
{
	static char out[4096];
	assert_true(log_escape(out, sizeof(out), src));
	return out;
}

/* True when s holds no control byte, raw C1 control or byte of invalid UTF-8: escaping it
 * again changes nothing but its backslashes, which double. */
static bool terminal_safe(const char *s)
{
	char again[8192], want[8192], *w = want;
	for (const char *p = s; *p; p++) {
		if (*p == '\\')
			*w++ = '\\';
		*w++ = *p;
	}
	*w = 0;
	return log_escape(again, sizeof(again), s) && strcmp(again, want) == 0;
}

static void test_every_control_byte(void **state)
{
	(void)state;
	for (int c = 1; c < 0x20; c++) {
		char in[4] = {'a', (char)c, 'b', 0}, want[16];
		snprintf(want, sizeof(want), "a\\x%02xb", c);
		assert_string_equal(esc(in), want);
	}
	assert_string_equal(esc("a\x7f"
	                        "b"),
	                    "a\\x7fb");
}

static void test_one_line(void **state)
{
	(void)state;
	assert_string_equal(esc("first\nsecond\r\n"), "first\\x0asecond\\x0d\\x0a");
	assert_string_equal(esc("tab\there"), "tab\\x09here");
}

static void test_escape_sequences(void **state)
{
	(void)state;
	assert_string_equal(esc("\033]0;pwned\007\033[2J"), "\\x1b]0;pwned\\x07\\x1b[2J");
	assert_string_equal(esc("\033[31mred\033[0m"), "\\x1b[31mred\\x1b[0m");
	/* The forms above cannot be faked: a backslash is doubled. */
	assert_string_equal(esc("\\x1b"), "\\\\x1b");
	assert_string_equal(esc("C:\\dir\\"), "C:\\\\dir\\\\");
}

static void test_c1_controls(void **state)
{
	(void)state;
	for (int c = 0x80; c <= 0x9f; c++) {
		char in[4] = {(char)0xc2, (char)c, 0}, want[16];
		snprintf(want, sizeof(want), "\\u%04x", c);
		assert_string_equal(esc(in), want);
	}
	/* CSI (U+009B) as a terminal would take it, then text. */
	assert_string_equal(esc("\xc2\x9b"
	                        "2J"),
	                    "\\u009b2J");
	/* U+00A0, the first character after them, is text. */
	assert_string_equal(esc("\xc2\xa0"), "\xc2\xa0");
}

static void test_utf8_kept(void **state)
{
	(void)state;
	const char *const text[] = {
	    "café",         "naïve résumé",     "日本語のテキスト",
	    "Ελληνικά",     "𝄞 music",          "emoji 😀",
	    "\xef\xbf\xbd", "\xf4\x8f\xbf\xbf", "plain ASCII: ~!@#$%^&*()_+{}|:\"<>?`-=[];',./"};
	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		assert_string_equal(esc(text[i]), text[i]);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	/* Stray continuation bytes and bytes that never occur. */
	assert_string_equal(esc("a\x80z"), "a\\x80z");
	assert_string_equal(esc("\xbf"), "\\xbf");
	assert_string_equal(esc("\xff\xfe"), "\\xff\\xfe");
	assert_string_equal(esc("\xf5\x80\x80\x80"), "\\xf5\\x80\\x80\\x80");
	/* Latin-1 text is not UTF-8. */
	assert_string_equal(esc("caf\xe9!"), "caf\\xe9!");
	/* Overlong forms: of '/', of NUL, of a C1 control. */
	assert_string_equal(esc("\xc0\xaf"), "\\xc0\\xaf");
	assert_string_equal(esc("\xc1\x81"), "\\xc1\\x81");
	assert_string_equal(esc("\xe0\x80\x80"), "\\xe0\\x80\\x80");
	assert_string_equal(esc("\xe0\x82\x9b"), "\\xe0\\x82\\x9b");
	assert_string_equal(esc("\xf0\x80\x80\xaf"), "\\xf0\\x80\\x80\\xaf");
	/* A UTF-16 surrogate, and beyond U+10FFFF. */
	assert_string_equal(esc("\xed\xa0\x80"), "\\xed\\xa0\\x80");
	assert_string_equal(esc("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
	/* Sequences cut short, at the end and before other text. */
	assert_string_equal(esc("\xe6\x97"), "\\xe6\\x97");
	assert_string_equal(esc("\xe6x\xe6\x97\xa5"), "\\xe6x\xe6\x97\xa5");
	assert_string_equal(esc("\xf0\x9f\x98"), "\\xf0\\x9f\\x98");
	/* A cut sequence does not swallow a control byte after it. */
	assert_string_equal(esc("\xc3\033[2J"), "\\xc3\\x1b[2J");
}

static void test_output_is_safe(void **state)
{
	(void)state;
	/* Every byte value, alone and in pairs with each other value after it. */
	for (int a = 1; a < 256; a++) {
		for (int b = 0; b < 256; b++) {
			char in[3] = {(char)a, (char)b, 0}, out[64];
			assert_true(log_escape(out, sizeof(out), in));
			for (const unsigned char *p = (const unsigned char *)out; *p; p++)
				assert_true(*p >= 0x20 && *p != 0x7f);
			assert_null(strstr(out, "\xc2\x80"));
			assert_true(terminal_safe(out));
		}
	}
}

/* The length of what precedes a cut's "...", after checking that the result ends so. */
static size_t cut_length(const char *out)
{
	size_t n = strlen(out);
	assert_true(n >= 3);
	assert_string_equal(out + n - 3, "...");
	return n - 3;
}

static void test_long_lines(void **state)
{
	(void)state;
	char big[20000], out[100];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_false(log_escape(out, sizeof(out), big));
	assert_int_equal(strlen(out), sizeof(out) - 1);
	assert_int_equal(cut_length(out), sizeof(out) - 4);

	/* Never inside an escape. */
	for (size_t i = 0; i + 1 < sizeof(big); i++)
		big[i] = '\033';
	for (size_t len = 4; len < 40; len++) {
		assert_false(log_escape(out, len, big));
		size_t n = cut_length(out);
		assert_true(n < len);
		assert_int_equal(n % 4, 0);
		for (size_t i = 0; i < n; i += 4)
			assert_memory_equal(out + i, "\\x1b", 4);
	}

	/* Never inside a character: three bytes each. */
	big[0] = 0;
	for (int i = 0; i < 2000; i++)
		strcat(big, "日");
	for (size_t len = 4; len < 40; len++) {
		assert_false(log_escape(out, len, big));
		size_t n = cut_length(out);
		assert_int_equal(n % 3, 0);
		for (size_t i = 0; i < n; i += 3)
			assert_memory_equal(out + i, "日", 3);
	}

	/* What fits exactly is not cut; one byte more is. */
	assert_true(log_escape(out, 4, "abc"));
	assert_string_equal(out, "abc");
	assert_false(log_escape(out, 4, "abcd"));
	assert_string_equal(out, "...");
	assert_true(log_escape(out, 5, "\033"));
	assert_string_equal(out, "\\x1b");
	/* Too small even for "...". */
	assert_false(log_escape(out, 3, "abcd"));
	assert_string_equal(out, "");
}

/* Runs fn with stderr going to a file; returns what it wrote (static). */
static const char *capture_stderr(void (*fn)(void))
{
	static char buf[16384];
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	fflush(stderr);
	int saved = dup(2);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), 2) == 2);
	fn();
	fflush(stderr);
	assert_true(dup2(saved, 2) == 2);
	close(saved);
	rewind(tmp);
	size_t n = fread(buf, 1, sizeof(buf) - 1, tmp);
	buf[n] = 0;
	fclose(tmp);
	return buf;
}

static void log_hostile(void)
{
	log_error("%s: ssh: %s", "office", "\033]0;pwned\007\033[2J\nfake: line\xc2\x9b\xff");
	log_info("kept: %s", "café");
}

static void test_log_lines_are_escaped(void **state)
{
	(void)state;
	log_open("sshdial", false);
	assert_string_equal(capture_stderr(log_hostile),
	                    "sshdial: error: office: ssh: \\x1b]0;pwned\\x07\\x1b[2J\\x0afake: "
	                    "line\\u009b\\xff\n"
	                    "sshdial: kept: café\n");
}

static void log_huge(void)
{
	char *big = malloc(100000);
	assert_non_null(big);
	memset(big, '\007', 99999);
	big[99999] = 0;
	log_warn("bell: %s", big);
	free(big);
}

static void test_long_log_line_stays_one_line(void **state)
{
	(void)state;
	log_open("sshdial", false);
	const char *out = capture_stderr(log_huge);
	const char *nl = strchr(out, '\n');
	assert_non_null(nl);
	assert_string_equal(nl + 1, "");
	assert_memory_equal(nl - 3, "...", 3);
	assert_int_equal(strncmp(out, "sshdial: warning: bell: \\x07\\x07", 32), 0);
	assert_null(strchr(out, '\007'));
}

static void test_extra_fd_is_escaped(void **state)
{
	(void)state;
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	log_open("sshdial", false);
	int saved = dup(2), devnull = dup(fileno(tmp)); /* stderr's copy is not checked here */
	assert_true(saved >= 0 && devnull >= 0);
	log_also_to_fd(fileno(tmp));
	dup2(devnull, 2);
	log_error("x\033[2Jy");
	dup2(saved, 2);
	log_also_to_fd(-1);
	close(saved);
	close(devnull);
	char buf[512];
	rewind(tmp);
	size_t n = fread(buf, 1, sizeof(buf) - 1, tmp);
	buf[n] = 0;
	fclose(tmp);
	assert_null(strchr(buf, '\033'));
	assert_non_null(strstr(buf, "]: error: x\\x1b[2Jy\n"));
}

static void test_diag_print_is_escaped(void **state)
{
	(void)state;
	struct diag *d = diag_new();
	diag_add(d, "/etc/sshdial/peers/x", 3, "unknown keyword '%s'", "\033]0;t\007kw");
	diag_add(d, NULL, 0, "two\nlines");
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	diag_print(d, tmp);
	/* What the program keeps is the text as it was. */
	assert_string_equal(diag_get(d, 1), "two\nlines");
	diag_free(d);
	char buf[512];
	rewind(tmp);
	size_t n = fread(buf, 1, sizeof(buf) - 1, tmp);
	buf[n] = 0;
	fclose(tmp);
	assert_string_equal(buf, "/etc/sshdial/peers/x:3: unknown keyword '\\x1b]0;t\\x07kw'\n"
	                         "two\\x0alines\n");
}

/* stderr is the journal when JOURNAL_STREAM names its device and inode. */
static void log_levels_as_journal(void)
{
	struct stat st;
	char v[64];
	assert_true(fstat(2, &st) == 0);
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev,
	         (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", v, 1);
	log_open("sshdial", false);
	log_set_level(LOG_LEVEL_DEBUG);
	log_error("e %d", 1);
	log_warn("w");
	log_info("i");
	log_debug("d");
	/* Another stream (a child's stderr redirected): no prefix. */
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev,
	         (unsigned long long)st.st_ino + 1);
	setenv("JOURNAL_STREAM", v, 1);
	log_open("sshdial", false);
	log_info("plain");
	setenv("JOURNAL_STREAM", "garbage", 1);
	log_open("sshdial", false);
	log_info("plain too");
	unsetenv("JOURNAL_STREAM");
	log_open("sshdial", false);
	log_set_level(LOG_LEVEL_INFO);
}

static void test_journal_priority_prefix(void **state)
{
	(void)state;
	assert_string_equal(capture_stderr(log_levels_as_journal), "<3>sshdial: error: e 1\n"
	                                                           "<4>sshdial: warning: w\n"
	                                                           "<6>sshdial: i\n"
	                                                           "<7>sshdial: d\n"
	                                                           "sshdial: plain\n"
	                                                           "sshdial: plain too\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_control_byte),
	    cmocka_unit_test(test_one_line),
	    cmocka_unit_test(test_escape_sequences),
	    cmocka_unit_test(test_c1_controls),
	    cmocka_unit_test(test_utf8_kept),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_output_is_safe),
	    cmocka_unit_test(test_long_lines),
	    cmocka_unit_test(test_log_lines_are_escaped),
	    cmocka_unit_test(test_journal_priority_prefix),
	    cmocka_unit_test(test_long_log_line_stays_one_line),
	    cmocka_unit_test(test_extra_fd_is_escaped),
	    cmocka_unit_test(test_diag_print_is_escaped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
