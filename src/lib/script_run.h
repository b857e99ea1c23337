/* Running a hook script (up-script, down-script, /etc/ppp/ip-up.d) from the event loop:
 * started at once, never waited for.  Its standard error is read through the loop for the
 * first line (for the message when it fails); its standard input and output are
 * /dev/null.  Past the deadline its whole process group is killed (run-parts and the
 * scripts it runs too).  The loop learns the end through a pidfd (child.h). */
#ifndef SSHDIAL_SCRIPT_RUN_H
#define SSHDIAL_SCRIPT_RUN_H

#include <stdbool.h>

#include "lib/event.h"

struct script_run;

struct script_outcome {
	int wstatus;          /* its wait status (killed by SIGKILL when timed_out) */
	bool timed_out;       /* it outlasted the deadline and was killed */
	char first_line[200]; /* the first line of its standard error, or "" */
};

/* Called once when the script has ended; s frees itself after the call returns. */
typedef void (*script_done_fn)(void *arg, struct script_run *s, const struct script_outcome *o);

/* Starts path with argv (argv[0] is its name) and exactly the environment envp (both NULL
 * terminated), in its own process group with no signal blocked.  NULL after logging why
 * when it could not be started (pipe, fork, the loop); a program that cannot be executed
 * ends with status 127, its first line saying why. */
struct script_run *script_run_start(struct event_loop *loop, const char *path, char *const *argv,
                                    char *const *envp, unsigned timeout_ms, script_done_fn fn,
                                    void *arg);

/* Kills a script still running and forgets it, without calling its fn: for an owner that
 * goes away first. */
void script_run_abandon(struct script_run *s);

#endif
