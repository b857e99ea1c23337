#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/diag.h"
#include "lib/err.h"

static char line[ERR_LINE_MAX];

static void test_all_parts(void **state)
{
	(void)state;
	struct err e;
	err_errno(&e, ENOENT, "/etc/sshdial/peers/office:12", "write an existing file",
	          "identity '%s'", "/k");
	assert_true(err_is_set(&e));
	assert_int_equal(e.code, ENOENT);
	assert_string_equal(
	    err_format(&e, line, sizeof(line)),
	    "/etc/sshdial/peers/office:12: identity '/k': No such file or directory; "
	    "write an existing file");
}

static void test_parts_left_out(void **state)
{
	(void)state;
	struct err e;
	err_set(&e, NULL, NULL, "sshdial call must run as root");
	assert_string_equal(err_format(&e, line, sizeof(line)), "sshdial call must run as root");
	err_set(&e, "office", NULL, "already being dialed");
	assert_string_equal(err_format(&e, line, sizeof(line)), "office: already being dialed");
	err_set(&e, "", "install the ppp package", "pppd not found");
	assert_string_equal(err_format(&e, line, sizeof(line)),
	                    "pppd not found; install the ppp package");
	err_clear(&e);
	assert_false(err_is_set(&e));
	assert_string_equal(err_format(&e, line, sizeof(line)), "");
}

/* A library's text is the cause as it is, whatever it holds. */
static void test_cause_verbatim(void **state)
{
	(void)state;
	struct err e;
	err_set(&e, "office", NULL, "route 10.1.0.0/16 dev ppp0");
	err_cause(&e, -7, "Network is down: Nexthop device is not up (libnl: Unspecific failure)");
	assert_int_equal(e.code, -7);
	assert_string_equal(
	    err_format(&e, line, sizeof(line)),
	    "office: route 10.1.0.0/16 dev ppp0: Network is down: Nexthop device is "
	    "not up (libnl: Unspecific failure)");
	err_errno(&e, EACCES, "x", NULL, "y");
	assert_string_equal(e.cause, strerror(EACCES));
}

static void test_where_and_fix_replaced(void **state)
{
	(void)state;
	struct err e;
	err_set(&e, "a", "b", "what");
	err_where(&e, "%s:%u", "server.conf", 3u);
	err_fix(&e, "see %s", "sshdial-server(5)");
	assert_string_equal(err_format(&e, line, sizeof(line)),
	                    "server.conf:3: what; see sshdial-server(5)");
}

/* A cause longer than its field is cut with "...", never inside a UTF-8 character. */
static void test_long_cause_cut(void **state)
{
	(void)state;
	char big[ERR_CAUSE_MAX * 2];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	/* "é" (2 bytes) placed across the cut. */
	size_t at = ERR_CAUSE_MAX - 5;
	big[at] = (char)0xc3;
	big[at + 1] = (char)0xa9;
	struct err e;
	err_set(&e, NULL, NULL, "w");
	err_cause(&e, 0, big);
	size_t n = strlen(e.cause);
	assert_true(n < ERR_CAUSE_MAX);
	assert_string_equal(e.cause + n - 3, "...");
	assert_int_equal(n - 3, at); /* the whole character went, not half of it */
	assert_memory_equal(e.cause, big, at);
}

static void test_format_cut_small_buffer(void **state)
{
	(void)state;
	struct err e;
	char small[16];
	err_errno(&e, ENOENT, "/some/long/path", NULL, "cannot open");
	assert_string_equal(err_format(&e, small, sizeof(small)), "/some/long/p...");
	char tiny[3];
	assert_string_equal(err_format(&e, tiny, sizeof(tiny)), "");
}

/* The escaped form is one line with no control character, whatever the cause held. */
static void test_escaped(void **state)
{
	(void)state;
	struct err e;
	err_set(&e, "office", NULL, "server said");
	err_cause(&e, 0, "line one\nline two \x1b]0;title\x07 back\\slash");
	char out[ERR_LINE_MAX * 4];
	err_format_escaped(&e, out, sizeof(out));
	assert_string_equal(out, "office: server said: line one\\x0aline two \\x1b]0;title\\x07 "
	                         "back\\\\slash");
	/* The plain form keeps it as it is, for the log's sinks to escape once. */
	assert_non_null(strchr(err_format(&e, line, sizeof(line)), '\n'));
}

static void test_log_returns_failure(void **state)
{
	(void)state;
	struct err e;
	err_set(&e, NULL, NULL, "test message from test_err");
	assert_int_equal(err_log_debug(&e), -1);
}

static void test_diag_errno(void **state)
{
	(void)state;
	struct diag *d = diag_new();
	diag_errno(d, "peers/office", 0, ENOENT, "cannot open");
	diag_errno(d, "peers/office", 4, EACCES, "identity '%s'", "k");
	diag_errno(d, NULL, 0, EIO, "plain");
	struct err e;
	err_set(&e, "f:1", "do this", "bad");
	diag_add_err(d, &e);
	assert_int_equal(diag_count(d), 4);
	char want[256];
	snprintf(want, sizeof(want), "peers/office: cannot open: %s", strerror(ENOENT));
	assert_string_equal(diag_get(d, 0), want);
	snprintf(want, sizeof(want), "peers/office:4: identity 'k': %s", strerror(EACCES));
	assert_string_equal(diag_get(d, 1), want);
	snprintf(want, sizeof(want), "plain: %s", strerror(EIO));
	assert_string_equal(diag_get(d, 2), want);
	assert_string_equal(diag_get(d, 3), "f:1: bad; do this");
	/* Each also as a value, for a daemon to hand back. */
	assert_string_equal(diag_err(d, 1)->where, "peers/office:4");
	assert_string_equal(diag_err(d, 1)->what, "identity 'k'");
	assert_int_equal(diag_err(d, 1)->code, EACCES);
	assert_string_equal(diag_err(d, 0)->where, "peers/office");
	assert_string_equal(diag_err(d, 2)->where, "");
	assert_null(diag_err(d, 4));
	diag_free(d);
}

/* A message longer than an error value holds is printed whole all the same. */
static void test_diag_long_line_whole(void **state)
{
	(void)state;
	char big[ERR_WHAT_MAX * 3];
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	struct diag *d = diag_new();
	diag_add(d, "f", 2, "value '%s' is bad", big);
	assert_int_equal(strlen(diag_get(d, 0)), strlen("f:2: value '' is bad") + strlen(big));
	size_t n = strlen(diag_err(d, 0)->what);
	assert_true(n < ERR_WHAT_MAX);
	assert_string_equal(diag_err(d, 0)->what + n - 3, "...");
	diag_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_parts),      cmocka_unit_test(test_parts_left_out),
	    cmocka_unit_test(test_cause_verbatim), cmocka_unit_test(test_where_and_fix_replaced),
	    cmocka_unit_test(test_long_cause_cut), cmocka_unit_test(test_format_cut_small_buffer),
	    cmocka_unit_test(test_escaped),        cmocka_unit_test(test_log_returns_failure),
	    cmocka_unit_test(test_diag_errno),     cmocka_unit_test(test_diag_long_line_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
