#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "lib/run_bounded.h"

static void status_and_output(void **state)
{
	(void)state;
	const char *argv[] = {"sh", "-c", "cat; echo oops >&2; exit 3", NULL};
	struct run_result r;

	assert_int_equal(run_bounded("/bin/sh", argv, "nameserver 10.0.0.1\n", 20, 5000, &r), 0);
	assert_false(r.timed_out);
	assert_true(WIFEXITED(r.wstatus));
	assert_int_equal(WEXITSTATUS(r.wstatus), 3);
	assert_string_equal(r.out, "nameserver 10.0.0.1\noops\n");
	assert_string_equal(run_first_line(&r), "nameserver 10.0.0.1");
}

static void missing_program(void **state)
{
	(void)state;
	const char *argv[] = {"nosuch", NULL};
	struct run_result r;

	assert_int_equal(run_bounded("/nonexistent/nosuch", argv, NULL, 0, 5000, &r), 0);
	assert_int_equal(WEXITSTATUS(r.wstatus), 127);
	assert_string_equal(run_first_line(&r),
	                    "cannot run /nonexistent/nosuch: No such file or directory");
}

/* A command that hangs is killed at the deadline, and the call returns. */
static void deadline(void **state)
{
	(void)state;
	const char *argv[] = {"sleep", "30", NULL};
	struct run_result r;
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(run_bounded("/bin/sleep", argv, NULL, 0, 200, &r), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_true(r.timed_out);
	assert_true(WIFSIGNALED(r.wstatus));
	assert_true(b.tv_sec - a.tv_sec < 20); /* far below the 30 s it would have slept */
}

/* Output longer than the buffer is cut, and the child still runs to its end. */
static void long_output(void **state)
{
	(void)state;
	const char *argv[] = {"sh", "-c",
	                      "i=0; while [ $i -lt 500 ]; do echo 0123456789; "
	                      "i=$((i+1)); done; exit 0",
	                      NULL};
	struct run_result r;

	assert_int_equal(run_bounded("/bin/sh", argv, NULL, 0, 10000, &r), 0);
	assert_false(r.timed_out);
	assert_int_equal(WEXITSTATUS(r.wstatus), 0);
	assert_int_equal(strlen(r.out), sizeof(r.out) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(status_and_output),
	    cmocka_unit_test(missing_program),
	    cmocka_unit_test(deadline),
	    cmocka_unit_test(long_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
