#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "conf/config.h"
#include "conf/secret.h"
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

/* A peer "office" whose PAP lines are extra (the file names must already exist). */
static struct peer *peer_with(const char *extra)
{
	struct diag *d = diag_new();
	struct config_reader *r = config_read_init("office", "office", d);
	config_read_line(r, "host server", 1);
	config_read_line(r, "local-user alice", 2);
	char *copy = strdup(extra), *rest = copy, *line;
	unsigned n = 3;
	while ((line = strsep(&rest, "\n")) != NULL)
		config_read_line(r, line, n++);
	free(copy);
	struct peer *p = config_read_finish(r);
	if (diag_count(d))
		fail_msg("unexpected: %s", diag_get(d, 0));
	diag_free(d);
	assert_non_null(p);
	return p;
}

static struct peer *peer_with_password_file(const char *path)
{
	char text[600];
	snprintf(text, sizeof(text), "pap-user bob\npap-password-file %s", path);
	return peer_with(text);
}

static void assert_read(const struct peer *p, const char *secret)
{
	char buf[SECRET_MAX];
	struct diag *d = diag_new();
	ssize_t n = secret_read_diag(p, buf, sizeof(buf), d);
	if (diag_count(d))
		fail_msg("unexpected: %s", diag_get(d, 0));
	assert_int_equal(n, (ssize_t)strlen(secret));
	assert_string_equal(buf, secret);
	explicit_bzero(buf, sizeof(buf));
	diag_free(d);
}

static void assert_read_fails(const struct peer *p, size_t size, const char *message)
{
	char buf[SECRET_MAX];
	struct diag *d = diag_new();
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(secret_read_diag(p, buf, size, d), -1);
	assert_int_equal(diag_count(d), 1);
	assert_string_equal(diag_get(d, 0), message);
	assert_int_equal(buf[0], '\0'); /* nothing half-read is left behind */
	diag_free(d);
}

static void test_password_file(void **state)
{
	char *path = tmpdir_file(*state, "pw", "s3cret \n", 0600);
	struct peer *p = peer_with_password_file(path);
	assert_read(p, "s3cret ");
	peer_free(p);
	free(path);
	/* Only one newline is the file's end; the rest is the secret's. */
	path = tmpdir_file(*state, "pw2", "two\n\n", 0400);
	p = peer_with_password_file(path);
	assert_read(p, "two\n");
	peer_free(p);
	free(path);
	path = tmpdir_file(*state, "pw3", "no-newline", 0600);
	p = peer_with_password_file(path);
	assert_read(p, "no-newline");
	peer_free(p);
	free(path);
}

static void test_permissions_checked_again(void **state)
{
	char *path = tmpdir_file(*state, "pw", "s3cret\n", 0600);
	char open_msg[1024], gone_msg[1024];
	snprintf(open_msg, sizeof(open_msg),
	         "peer 'office': %s: readable or writable by group or others (mode 0644); run "
	         "'chmod 600 %s'",
	         path, path);
	snprintf(gone_msg, sizeof(gone_msg),
	         "peer 'office': %s: cannot open: No such file or directory", path);
	struct peer *p = peer_with_password_file(path);
	assert_int_equal(chmod(path, 0644), 0);
	assert_read_fails(p, SECRET_MAX, open_msg);
	assert_int_equal(unlink(path), 0);
	assert_read_fails(p, SECRET_MAX, gone_msg);
	peer_free(p);
	free(path);
}

static void test_bad_content(void **state)
{
	char msg[1024];
	char *path = tmpdir_file(*state, "pw", "\n", 0600);
	struct peer *p = peer_with_password_file(path);
	snprintf(msg, sizeof(msg), "peer 'office': %s: empty; write the PAP secret in it", path);
	assert_read_fails(p, SECRET_MAX, msg);
	peer_free(p);
	free(path);

	path = tmpdir_file(*state, "long", "0123456789\n", 0600);
	p = peer_with_password_file(path);
	snprintf(msg, sizeof(msg), "peer 'office': %s: the secret is longer than 4 bytes", path);
	assert_read_fails(p, 5, msg);
	peer_free(p);
	free(path);

	char big[SECRET_MAX + 10];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	path = tmpdir_file(*state, "huge", big, 0600);
	p = peer_with_password_file(path);
	snprintf(msg, sizeof(msg), "peer 'office': %s: too large for a secrets file", path);
	assert_read_fails(p, SECRET_MAX, msg);
	peer_free(p);
	free(path);
}

/* Opening a FIFO used to wait for a writer forever; now it is refused at once. */
static void test_not_regular(void **state)
{
	char *path = tmpdir_file(*state, "pw", "s3cret\n", 0600);
	struct peer *p = peer_with_password_file(path);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(10);
	char msg[1024];
	snprintf(msg, sizeof(msg), "peer 'office': %s: not a regular file", path);
	assert_read_fails(p, SECRET_MAX, msg);
	alarm(0);
	peer_free(p);
	free(path);
}

static void test_pap_secrets_source(void **state)
{
	char *secrets = tmpdir_file(*state, "pap-secrets",
	                            "bob * general\nbob gw for-gw\nalice * not-bob\n", 0600);
	char text[600];
	snprintf(text, sizeof(text), "pap-user bob\npap-secrets %s", secrets);
	struct peer *p = peer_with(text);
	assert_read(p, "for-gw"); /* no remotename: a named server ranks first */
	peer_free(p);
	snprintf(text, sizeof(text), "pap-user bob\npap-secrets %s\nremotename other", secrets);
	p = peer_with(text);
	assert_read(p, "general");
	peer_free(p);
	snprintf(text, sizeof(text), "pap-user carol\npap-secrets %s", secrets);
	p = peer_with(text);
	char msg[1024];
	snprintf(msg, sizeof(msg),
	         "peer 'office': %s: no secret for 'carol'; add a line 'carol * SECRET'", secrets);
	assert_read_fails(p, SECRET_MAX, msg);
	peer_free(p);
	free(secrets);
}

static void test_no_pap(void **state)
{
	(void)state;
	struct peer *p = peer_with("");
	assert_read_fails(p, SECRET_MAX, "peer 'office': no PAP secret configured");
	peer_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_password_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_permissions_checked_again, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_content, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_not_regular, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pap_secrets_source, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_pap, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
