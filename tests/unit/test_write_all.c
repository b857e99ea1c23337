#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/file_write.h"

/* More than a pipe takes at once: a reader drains it while the writes go on. */
static void test_whole_buffer_through_a_pipe(void **state)
{
	(void)state;
	static char out[256 * 1024], in[sizeof(out)];
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7);
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		_exit(write_all(p[1], out, sizeof(out)) == 0 ? 0 : 1);
	}
	close(p[1]);
	size_t got = 0;
	for (ssize_t n; (n = read(p[0], in + got, sizeof(in) - got)) > 0;)
		got += (size_t)n;
	close(p[0]);
	int status = -1;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(got, sizeof(out));
	assert_memory_equal(in, out, sizeof(out));
}

static void test_nothing_to_write(void **state)
{
	(void)state;
	assert_int_equal(write_all(-1, "", 0), 0);
}

static void test_error(void **state)
{
	(void)state;
	assert_int_equal(write_all(-1, "x", 1), -1);
	assert_int_equal(errno, EBADF);
	int p[2];
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(write_all(p[1], "x", 1), -1);
	assert_int_equal(errno, EPIPE);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_whole_buffer_through_a_pipe),
	    cmocka_unit_test(test_nothing_to_write),
	    cmocka_unit_test(test_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
