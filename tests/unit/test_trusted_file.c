#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assert_diag.h"

#include <signal.h>
#include <string.h>

#include "conf/config.h"
#include "lib/file_read.h"
#include "tmpdir.h"

static int setup(void **state)
{
	*state = tmpdir_new();
	/* A test that would hang on a FIFO fails instead. */
	alarm(10);
	return 0;
}

static int teardown(void **state)
{
	alarm(0);
	tmpdir_remove(*state);
	return 0;
}

/* Out of line, as tmpdir_file: GCC with -fsanitize=undefined otherwise imagines NULL. */
__attribute__((returns_nonnull, noinline)) static char *subdir(const char *dir, const char *name)
{
	return tmpdir_subdir(dir, name);
}

/* The message for a directory others may write.  Out of line for the same reason. */
__attribute__((noinline)) static void writable_dir_msg(char *buf, size_t size, const char *path,
                                                       const char *dir, const char *mode)
{
	snprintf(buf, size,
	         "%s: directory %s is writable by group or others (mode %s), who could replace "
	         "this file; run 'chmod go-w %s' or move the file",
	         path, dir, mode, dir);
}

static char *join(const char *dir, const char *name)
{
	char *path;
	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	return path;
}

/* Opens path trusting the test's own uid; the one message expected, or NULL for success. */
static void assert_open(const char *path, const char *message)
{
	struct diag *d = diag_new();
	int fd = trusted_file_open(path, getuid(), d);
	if (!message) {
		if (diag_count(d))
			fail_msg("unexpected: %s", diag_get(d, 0));
		assert_true(fd >= 0);
		close(fd);
	} else {
		assert_diag_equal(d, (const char *const[]){message, NULL});
		assert_int_equal(fd, -1);
	}
	diag_free(d);
}

static void test_plain_file(void **state)
{
	char *path = tmpdir_file(*state, "office", "host a\n", 0644);
	assert_open(path, NULL);
	free(path);
}

static void test_symlink_refused(void **state)
{
	char *target = tmpdir_file(*state, "target", "host a\n", 0644);
	char *link = join(*state, "office");
	assert_int_equal(symlink(target, link), 0);
	char msg[1024];
	snprintf(msg, sizeof(msg),
	         "%s: a symbolic link: sshdial reads a peer file only where it is, not through a "
	         "link that someone could change; copy the file here or name its target",
	         link);
	assert_open(link, msg);
	free(link);
	free(target);
}

/* A link among the directories is resolved once; the resolved path is what is checked. */
static void test_symlinked_directory(void **state)
{
	char *real = subdir(*state, "real");
	char *file = tmpdir_file(real, "office", "host a\n", 0644);
	char *alias = join(*state, "alias");
	assert_int_equal(symlink(real, alias), 0);
	char *via = join(alias, "office");
	assert_open(via, NULL);

	assert_int_equal(chmod(real, 0777), 0);
	char msg[1024];
	writable_dir_msg(msg, sizeof(msg), via, real, "0777");
	assert_open(via, msg);
	free(via);
	free(alias);
	free(file);
	free(real);
}

static void test_writable_file_refused(void **state)
{
	char *path = tmpdir_file(*state, "office", "host a\n", 0666);
	char msg[1024];
	snprintf(msg, sizeof(msg),
	         "%s: writable by group or others (mode 0666), but its pty command and pppd "
	         "options run as root; run 'chmod go-w %s'",
	         path, path);
	assert_open(path, msg);
	assert_int_equal(chmod(path, 0620), 0);
	snprintf(msg, sizeof(msg),
	         "%s: writable by group or others (mode 0620), but its pty command and pppd "
	         "options run as root; run 'chmod go-w %s'",
	         path, path);
	assert_open(path, msg);
	free(path);
}

static void test_directories(void **state)
{
	char *dir = subdir(*state, "peers");
	char *path = tmpdir_file(dir, "office", "host a\n", 0644);
	assert_int_equal(chmod(dir, 0775), 0);
	char msg[1024];
	writable_dir_msg(msg, sizeof(msg), path, dir, "0775");
	assert_open(path, msg);

	/* Sticky, as /tmp is: no one else may rename or remove the file. */
	assert_int_equal(chmod(dir, 01777), 0);
	assert_open(path, NULL);

	/* The directories above count too. */
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chmod(*state, 0757), 0);
	writable_dir_msg(msg, sizeof(msg), path, *state, "0757");
	assert_open(path, msg);
	assert_int_equal(chmod(*state, 0700), 0);
	free(path);
	free(dir);
}

/* Ownership: the test runs as whoever it is, so it trusts a uid that owns nothing here. */
static void test_owner(void **state)
{
	char *path = tmpdir_file(*state, "office", "host a\n", 0644);
	uid_t other = getuid() == 0 ? 65534 : 0;
	struct diag *d = diag_new();
	if (getuid() == 0) {
		/* root trusts root's directories; only the file is someone else's. */
		assert_int_equal(chown(path, other, (gid_t)-1), 0);
		assert_int_equal(trusted_file_open(path, 0, d), -1);
		char msg[1024];
		snprintf(msg, sizeof(msg),
		         "%s: owned by uid %u, not root (its pty command and pppd options run as "
		         "root); run 'chown root %s'",
		         path, (unsigned)other, path);
		assert_diag_equal(d, (const char *const[]){msg, NULL});
	} else {
		/* The test's directory is not root's. */
		assert_int_equal(trusted_file_open(path, 0, d), -1);
		assert_int_equal(diag_count(d), 1);
		assert_non_null(strstr(diag_get(d, 0), "not root, who could change this file"));
	}
	diag_free(d);
	free(path);
}

static void test_not_regular(void **state)
{
	char *fifo = join(*state, "fifo");
	assert_int_equal(mkfifo(fifo, 0644), 0);
	char msg[1024];
	snprintf(msg, sizeof(msg), "%s: not a regular file; name the file itself", fifo);
	assert_open(fifo, msg);
	free(fifo);
	assert_open("/dev/zero", "/dev/zero: not a regular file; name the file itself");
	char *sub = subdir(*state, "sub");
	snprintf(msg, sizeof(msg), "%s: not a regular file; name the file itself", sub);
	assert_open(sub, msg);
	free(sub);
}

static void test_relative_path(void **state)
{
	char *path = tmpdir_file(*state, "office", "host a\n", 0644);
	char cwd[4096];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(*state), 0);
	assert_open("office", NULL);
	assert_open("./office", NULL);
	assert_open("missing", "missing: cannot open: No such file or directory");
	assert_int_equal(chdir(cwd), 0);
	free(path);
}

/* The file parsed is the one checked: swapping the path for a link afterwards, to a file
 * that would be refused, changes nothing. */
static void test_parses_the_descriptor_checked(void **state)
{
	char *path = tmpdir_file(*state, "office", "host checked\nlocal-user alice\n", 0644);
	char *evil = tmpdir_file(*state, "evil", "pty 'touch /tmp/pwned'\n", 0666);
	struct diag *d = diag_new();
	int fd = trusted_file_open(path, getuid(), d);
	assert_true(fd >= 0);
	char *swap = join(*state, "swap");
	assert_int_equal(symlink(evil, swap), 0);
	assert_int_equal(rename(swap, path), 0);
	struct peer *p = config_load_fd("office", fd, path, d);
	close(fd);
	assert_int_equal(diag_count(d), 0);
	assert_non_null(p);
	assert_string_equal(peer_host(p), "checked");
	assert_null(peer_pty_command(p));
	peer_free(p);

	/* And the loader, given the swapped path, refuses it. */
	assert_null(peer_load_trusting(path, NULL, NULL, NULL, getuid(), d));
	assert_int_equal(diag_count(d), 1);
	assert_non_null(strstr(diag_get(d, 0), ": a symbolic link: "));
	diag_free(d);
	free(swap);
	free(evil);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_plain_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_symlink_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_symlinked_directory, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_writable_file_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_directories, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_owner, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_not_regular, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_relative_path, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_parses_the_descriptor_checked, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
