/* A child's exec report as the loop reads it: nothing yet, executed (EOF alone), or the
 * child's reason; a real fork whose exec fails. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "link/exec_report.h"

static void states(void **state)
{
	(void)state;
	struct event_loop *loop = event_loop_new();
	int p[2];
	struct exec_report r;

	assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	exec_report_init(&r, p[0]);
	assert_int_equal(exec_report_read(&r, loop), 0); /* nothing yet: no wait */
	close(p[1]);
	assert_int_equal(exec_report_read(&r, loop), 1); /* EOF alone: executed */
	assert_int_equal(r.fd, -1);

	assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	exec_report_init(&r, p[0]);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		execl("/nonexistent/program", "x", (char *)NULL);
		dprintf(p[1], "/nonexistent/program: no such program");
		_exit(127);
	}
	close(p[1]);
	waitpid(pid, NULL, 0);
	assert_int_equal(exec_report_read(&r, loop), -1);
	assert_string_equal(r.text, "/nonexistent/program: no such program");
	assert_int_equal(exec_report_read(&r, loop), -1); /* stays so */
	exec_report_close(&r, loop);
	event_loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(states),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
