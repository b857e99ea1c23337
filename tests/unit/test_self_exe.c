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

/* A process's parent and name from /proc/PID/stat, and a file's bytes with cmdline's
 * NULs: this process's own, as the kernel gives them; a pid that is gone gives none. */
static void test_stat_and_read_of_this_process(void **state)
{
	(void)state;
	pid_t ppid = 0;
	char comm[64];
	assert_true(proc_stat(getpid(), &ppid, comm, sizeof(comm)));
	assert_int_equal(ppid, getppid());
	assert_string_equal(comm, "test_self_exe");
	char argv[256];
	size_t n = proc_read(getpid(), "cmdline", argv, sizeof(argv));
	assert_true(n > strlen(argv)); /* ends in a NUL of its own */
	assert_int_equal(argv[n - 1], 0);
	assert_non_null(strstr(argv, "test_self_exe"));
	assert_false(proc_stat(0x7ffffff0, &ppid, NULL, 0));
	assert_int_equal(proc_read(0x7ffffff0, "cmdline", argv, sizeof(argv)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names_this_binary),
	    cmocka_unit_test(test_too_small),
	    cmocka_unit_test(test_stat_and_read_of_this_process),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
