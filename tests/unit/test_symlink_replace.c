#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/file_write.h"
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

static void assert_link(const char *path, const char *target)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, target);
}

/* Entries in dir besides . and .. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	for (const struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void test_creates_and_replaces(void **state)
{
	const char *dir = *state;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/hook", dir);
	assert_int_equal(symlink_replace("/usr/sbin/one", path), 0);
	assert_link(path, "/usr/sbin/one");
	assert_int_equal(symlink_replace("/usr/sbin/two", path), 0);
	assert_link(path, "/usr/sbin/two");
	/* No temporary name is left behind. */
	assert_int_equal(entries(dir), 1);
}

/* A leftover temporary link of the same PID does not stop the replacement. */
static void test_leftover_temporary(void **state)
{
	const char *dir = *state;
	char path[PATH_MAX], tmp[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/hook", dir);
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	assert_int_equal(symlink("/stale", tmp), 0);
	assert_int_equal(symlink_replace("/usr/sbin/new", path), 0);
	assert_link(path, "/usr/sbin/new");
	assert_int_equal(entries(dir), 1);
}

/* A failure leaves nothing and says why: the path is a directory, rename refuses. */
static void test_failure_leaves_nothing(void **state)
{
	const char *dir = *state;
	char *sub = tmpdir_subdir(dir, "hook");
	assert_int_equal(symlink_replace("/usr/sbin/x", sub), -1);
	assert_true(errno == EISDIR || errno == ENOTDIR || errno == EEXIST);
	assert_int_equal(entries(dir), 1);
	free(sub);
	char missing[PATH_MAX];
	snprintf(missing, sizeof(missing), "%s/no/such/hook", dir);
	assert_int_equal(symlink_replace("/usr/sbin/x", missing), -1);
	assert_int_equal(errno, ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_creates_and_replaces, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_leftover_temporary, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failure_leaves_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
