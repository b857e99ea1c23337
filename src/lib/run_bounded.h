/* Running a short system command (resolvconf, resolvectl) to its end, bounded by a
 * deadline: its standard input from a buffer, its standard output and error read together,
 * and the child killed and reaped when it outlasts the deadline.  For changes the journal
 * applies synchronously, like the resolver file itself: the wait is bounded, never open. */
#ifndef SSHDIAL_RUN_BOUNDED_H
#define SSHDIAL_RUN_BOUNDED_H

#include <stddef.h>

/* What became of the command. */
struct run_result {
	int wstatus;    /* its wait status (valid unless timed_out or not started) */
	int timed_out;  /* it outlasted the deadline and was killed */
	char out[4096]; /* its output (stdout and stderr), cut to fit, NUL terminated */
};

/* Runs path with argv (argv[0] is its name; NULL terminated) and a fixed PATH, in[0..inlen)
 * on its standard input (in may be NULL), waiting at most timeout_ms.  0 when it ran (see
 * *r), or -1 with errno set when it could not be started (pipe, fork).  A program that
 * cannot be executed exits with status 127, its output saying why. */
int run_bounded(const char *path, const char *const *argv, const char *in, size_t inlen,
                unsigned timeout_ms, struct run_result *r);

/* The first line of r->out without its newline, or "" (for a message). */
const char *run_first_line(struct run_result *r);

#endif
