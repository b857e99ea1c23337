#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "conf/pap_secrets.h"
#include "tmpdir.h"

static int setup(void **state)
{
	*state = tmpdir_new();
	return 0;
}

static int teardown(void **state)
{
	tmpdir_remove(*state);
	return 0;
}

/* Looks up client/server in a secrets file with content text; expects secret. */
static void assert_secret(const char *dir, const char *text, const char *client, const char *server,
                          const char *secret)
{
	char *path = tmpdir_file(dir, "pap-secrets", text, 0600);
	char buf[256];
	struct diag *d = diag_new();
	ssize_t n = pap_secrets_lookup(path, client, server, buf, sizeof(buf), d);
	if (diag_count(d))
		fail_msg("unexpected: %s", diag_get(d, 0));
	assert_int_equal(n, (ssize_t)strlen(secret));
	assert_string_equal(buf, secret);
	diag_free(d);
	free(path);
}

/* Expects the lookup to fail with message, in which "PATH" stands for the file. */
static void assert_failure(const char *dir, const char *text, mode_t mode, const char *client,
                           const char *server, const char *message)
{
	char *path = tmpdir_file(dir, "pap-secrets", text, mode);
	char buf[256], expected[1024];
	struct diag *d = diag_new();
	assert_int_equal(pap_secrets_lookup(path, client, server, buf, sizeof(buf), d), -1);
	size_t len = 0;
	for (const char *m = message; *m && len + strlen(path) + 1 < sizeof(expected);) {
		if (strncmp(m, "PATH", 4) == 0) {
			len += (size_t)snprintf(expected + len, sizeof(expected) - len, "%s", path);
			m += 4;
		} else {
			expected[len++] = *m++;
		}
	}
	expected[len] = '\0';
	assert_int_equal(diag_count(d), 1);
	assert_string_equal(diag_get(d, 0), expected);
	diag_free(d);
	free(path);
}

static void test_simple(void **state)
{
	assert_secret(*state, "# client server secret\npppuser * s3cret\n", "pppuser", NULL,
	              "s3cret");
	assert_secret(*state, "other * no\npppuser server yes 10.0.0.1\n", "pppuser", NULL, "yes");
}

static void test_best_match(void **state)
{
	const char *text = "* * wild-both\n"
	                   "pppuser * wild-server\n"
	                   "pppuser office exact\n"
	                   "pppuser home other-server\n"
	                   "* office wild-client\n";
	assert_secret(*state, text, "pppuser", "office", "exact");
	assert_secret(*state, text, "pppuser", "elsewhere", "wild-server");
	assert_secret(*state, text, "someone", "office", "wild-client");
	assert_secret(*state, text, "someone", "elsewhere", "wild-both");
	/* A named client counts more than a named server, as in pppd. */
	assert_secret(*state, "* office a\npppuser * b\n", "pppuser", "office", "b");
	/* Among equals the first wins. */
	assert_secret(*state, "pppuser * first\npppuser * second\n", "pppuser", "x", "first");
}

static void test_no_remotename(void **state)
{
	/* With no remotename any server matches, and a named one ranks above '*' (pppd). */
	assert_secret(*state, "pppuser * wild\npppuser office named\n", "pppuser", NULL, "named");
	assert_secret(*state, "pppuser office named\npppuser * wild\n", "pppuser", NULL, "named");
}

static void test_quoted_secrets(void **state)
{
	assert_secret(*state, "pppuser * \"with space # and hash\"\n", "pppuser", NULL,
	              "with space # and hash");
	assert_secret(*state, "\"ppp user\" '*' 'it''s'\n", "ppp user", NULL, "its");
	assert_secret(*state, "pppuser * a\\ b\n", "pppuser", NULL, "a b");
	assert_secret(*state, "pppuser * ''\n", "pppuser", NULL, "");
}

static void test_entries_start_lines(void **state)
{
	/* Words past the secret are addresses: never read as a new entry. */
	assert_secret(*state, "other * x pppuser * wrong\npppuser * right\n", "pppuser", NULL,
	              "right");
	/* An entry continued with a backslash stays one entry. */
	assert_secret(*state, "pppuser \\\n * joined\n", "pppuser", NULL, "joined");
	/* A short line is no entry. */
	assert_secret(*state, "pppuser *\npppuser * full\n", "pppuser", NULL, "full");
}

static void test_indirect(void **state)
{
	char *at = tmpdir_file(*state, "secret", "from-file\nignored\n", 0600);
	char text[512];
	snprintf(text, sizeof(text), "pppuser * @%s\n", at);
	assert_secret(*state, text, "pppuser", NULL, "from-file");
	free(at);

	at = tmpdir_file(*state, "open", "x\n", 0644);
	snprintf(text, sizeof(text), "pppuser * @%s\n", at);
	char *path = tmpdir_file(*state, "pap-secrets", text, 0600);
	char buf[64], expected[1024];
	struct diag *d = diag_new();
	assert_int_equal(pap_secrets_lookup(path, "pppuser", NULL, buf, sizeof(buf), d), -1);
	snprintf(expected, sizeof(expected),
	         "%s: readable or writable by group or others (mode 0644); run 'chmod 600 %s'", at,
	         at);
	assert_string_equal(diag_get(d, 0), expected);
	diag_free(d);
	free(path);
	free(at);

	/* '@' without a '/' is an ordinary secret, as in pppd. */
	assert_secret(*state, "pppuser * @home\n", "pppuser", NULL, "@home");
}

static void test_missing(void **state)
{
	assert_failure(*state, "other * x\n", 0600, "pppuser", NULL,
	               "PATH: no secret for 'pppuser'; add a line 'pppuser * SECRET'");
	assert_failure(*state, "pppuser home x\n", 0600, "pppuser", "office",
	               "PATH: no secret for 'pppuser' on server 'office'; add a line 'pppuser "
	               "office SECRET'");
	assert_failure(*state, "", 0600, "pppuser", NULL,
	               "PATH: no secret for 'pppuser'; add a line 'pppuser * SECRET'");
}

static void test_refused(void **state)
{
	assert_failure(*state, "pppuser * x\n", 0640, "pppuser", NULL,
	               "PATH: readable or writable by group or others (mode 0640); run 'chmod 600 "
	               "PATH'");
	assert_failure(*state, "pppuser * \"x\n", 0600, "pppuser", NULL,
	               "PATH:1: unterminated double quote; add the closing \"");
	char *dir = *state, path[512], buf[8];
	snprintf(path, sizeof(path), "%s/none", dir);
	struct diag *d = diag_new();
	assert_int_equal(pap_secrets_lookup(path, "u", NULL, buf, sizeof(buf), d), -1);
	char expected[600];
	snprintf(expected, sizeof(expected), "%s: cannot open: No such file or directory", path);
	assert_string_equal(diag_get(d, 0), expected);
	diag_free(d);
}

static void test_too_long(void **state)
{
	char *path = tmpdir_file(*state, "pap-secrets", "pppuser * 12345678\n", 0600);
	char buf[8];
	struct diag *d = diag_new();
	assert_int_equal(pap_secrets_lookup(path, "pppuser", NULL, buf, sizeof(buf), d), -1);
	char expected[600];
	snprintf(expected, sizeof(expected),
	         "%s:1: the secret for 'pppuser' is longer than 7 bytes", path);
	assert_string_equal(diag_get(d, 0), expected);
	assert_null(strstr(diag_get(d, 0), "12345678"));
	diag_free(d);
	free(path);
}

/* A FIFO named as the secrets file is refused at once, not waited on. */
static void test_fifo(void **state)
{
	char *path;
	assert_true(asprintf(&path, "%s/pap-secrets", (char *)*state) > 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	char buf[256], msg[1024];
	struct diag *d = diag_new();
	alarm(10);
	assert_int_equal(pap_secrets_lookup(path, "pppuser", NULL, buf, sizeof(buf), d), -1);
	alarm(0);
	snprintf(msg, sizeof(msg), "%s: not a regular file", path);
	assert_int_equal(diag_count(d), 1);
	assert_string_equal(diag_get(d, 0), msg);
	diag_free(d);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_simple, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_best_match, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_remotename, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_quoted_secrets, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_entries_start_lines, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_indirect, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_too_long, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fifo, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
