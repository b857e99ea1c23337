#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/proc.h"

/* The path names this very test binary. */
static void test_names_this_binary(void **state)
{
	(void)state;
	char exe[PATH_MAX];
	assert_int_equal(self_exe(exe, sizeof(exe)), 0);
	assert_true(exe[0] == '/');
	struct stat a, b;
	assert_int_equal(stat(exe, &a), 0);
	assert_int_equal(stat("/proc/self/exe", &b), 0);
	assert_true(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
}

/* A buffer too small is an error, never a cut path; one byte more than the path fits. */
static void test_too_small(void **state)
{
	(void)state;
	char exe[PATH_MAX], small[PATH_MAX];
	assert_int_equal(self_exe(exe, sizeof(exe)), 0);
	size_t n = strlen(exe);
	assert_int_equal(self_exe(small, n), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_int_equal(self_exe(small, 0), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_int_equal(self_exe(small, n + 1), 0);
	assert_string_equal(small, exe);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names_this_binary),
	    cmocka_unit_test(test_too_small),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
