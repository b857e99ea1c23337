/* A hook script run beside the event loop (lib/script_run.h): its status and the first
 * line of its stderr reach the callback; one that hangs, with what it started, is killed
 * at the deadline while the loop goes on; the environment is exactly the one given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/event.h"
#include "lib/script_run.h"
#include "tmpdir.h"

struct seen {
	struct event_loop *loop;
	int calls;
	struct script_outcome o;
};

static void on_done(void *arg, struct script_run *s, const struct script_outcome *o)
{
	(void)s;
	struct seen *seen = arg;
	seen->calls++;
	seen->o = *o;
	event_loop_exit(seen->loop, 0);
}

static void on_guard(void *arg)
{
	event_loop_exit(arg, 1);
}

/* Runs sh -c script with env in a loop until it ends (or a 20 s guard fires). */
static struct seen run(const char *script, char *const *env, unsigned timeout_ms)
{
	struct seen seen = {.loop = event_loop_new()};
	char *argv[] = {"sh", "-c", (char *)script, NULL};
	struct script_run *s =
	    script_run_start(seen.loop, "/bin/sh", argv, env, timeout_ms, on_done, &seen);
	assert_non_null(s);
	event_timer_set(seen.loop, 20000, on_guard, seen.loop);
	assert_int_equal(event_loop_run(seen.loop), 0);
	event_loop_free(seen.loop);
	assert_int_equal(seen.calls, 1);
	return seen;
}

static char *const no_env[] = {"PATH=/usr/bin:/bin", NULL};

static void status_and_first_line(void **state)
{
	(void)state;
	struct seen s =
	    run("echo to-stdout; echo; echo 'it broke: here' >&2; echo more >&2; exit 3", no_env,
	        10000);
	assert_false(s.o.timed_out);
	assert_true(WIFEXITED(s.o.wstatus));
	assert_int_equal(WEXITSTATUS(s.o.wstatus), 3);
	assert_string_equal(s.o.first_line, "it broke: here");
	s = run("exit 0", no_env, 10000);
	assert_int_equal(s.o.wstatus, 0);
	assert_string_equal(s.o.first_line, "");
}

/* The script sees exactly the environment given. */
static void exact_environment(void **state)
{
	(void)state;
	struct seen s =
	    run("env | grep -v '^PWD=' | LC_ALL=C sort | tr '\\n' ' ' >&2",
	        (char *const[]){"PATH=/usr/bin:/bin", "SSHDIAL_PEER=office", NULL}, 10000);
	assert_int_equal(s.o.wstatus, 0);
	assert_string_equal(s.o.first_line, "PATH=/usr/bin:/bin SSHDIAL_PEER=office ");
}

/* No signal blocked, although the loop blocks those it takes through signalfd (sh would
 * unblock them itself: sed reports its own mask). */
static void no_signal_blocked(void **state)
{
	(void)state;
	struct seen seen = {.loop = event_loop_new()};
	sigset_t term, old;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &old);
	char *argv[] = {"sed", "-n", "s/^SigBlk:\t//w /dev/stderr", "/proc/self/status", NULL};
	assert_non_null(
	    script_run_start(seen.loop, "/bin/sed", argv, no_env, 10000, on_done, &seen));
	sigprocmask(SIG_SETMASK, &old, NULL);
	assert_int_equal(event_loop_run(seen.loop), 0);
	event_loop_free(seen.loop);
	assert_int_equal(seen.o.wstatus, 0);
	assert_string_equal(seen.o.first_line, "0000000000000000");
}

/* A hang is killed at the deadline, the background job it started with it. */
static void deadline_kills_the_group(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	char script[512];
	snprintf(script, sizeof(script), "sleep 30 & echo $! >%s/bg; echo waiting >&2; wait", dir);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	struct seen s = run(script, no_env, 300);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_true(s.o.timed_out);
	assert_true(WIFSIGNALED(s.o.wstatus));
	assert_int_equal(WTERMSIG(s.o.wstatus), SIGKILL);
	assert_string_equal(s.o.first_line, "waiting");
	assert_true(b.tv_sec - a.tv_sec < 15); /* far below the 30 s it would have slept */
	char path[600];
	snprintf(path, sizeof(path), "%s/bg", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	int bg = 0;
	assert_int_equal(fscanf(f, "%d", &bg), 1);
	fclose(f);
	/* Killed (a zombie of init at most, soon gone): signal 0 fails or it is a zombie. */
	for (int i = 0; i < 50 && kill(bg, 0) == 0; i++) {
		char stat[64], line[256];
		snprintf(stat, sizeof(stat), "/proc/%d/stat", bg);
		FILE *st = fopen(stat, "r");
		if (!st || !fgets(line, sizeof(line), st) || strstr(line, ") Z ")) {
			if (st)
				fclose(st);
			break;
		}
		fclose(st);
		usleep(100000);
		assert_true(i < 49);
	}
	tmpdir_remove(dir);
}

/* A program that cannot be executed: 127 and why. */
static void missing_program(void **state)
{
	(void)state;
	struct seen seen = {.loop = event_loop_new()};
	char *argv[] = {"nosuch", NULL};
	assert_non_null(script_run_start(seen.loop, "/nonexistent/nosuch", argv, no_env, 10000,
	                                 on_done, &seen));
	assert_int_equal(event_loop_run(seen.loop), 0);
	event_loop_free(seen.loop);
	assert_int_equal(WEXITSTATUS(seen.o.wstatus), 127);
	assert_string_equal(seen.o.first_line,
	                    "cannot run /nonexistent/nosuch: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(status_and_first_line), cmocka_unit_test(exact_environment),
	    cmocka_unit_test(no_signal_blocked),     cmocka_unit_test(deadline_kills_the_group),
	    cmocka_unit_test(missing_program),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
