/* A child's exec report, read from the event loop: the child writes why it could not
 * execute on a close-on-exec pipe, so EOF alone means it has executed.  Nothing waits for
 * it: the caller watches the read end, and reads it once more when the child has ended
 * (the write end is the child's alone, so that read never waits either). */
#ifndef SSHDIAL_EXEC_REPORT_H
#define SSHDIAL_EXEC_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/event.h"

/* A value its owner embeds (as a timespec); read and changed only through these calls. */
struct exec_report {
	int fd; /* the read end, non-blocking; -1 once read to its end */
	bool watched;
	char text[256];
	size_t used;
};

/* fd: the read end (non-blocking), or -1 for none; watched with fn(arg) when fn is set. */
void exec_report_init(struct exec_report *r, int fd);
int exec_report_watch(struct exec_report *r, struct event_loop *loop, event_fd_fn fn, void *arg);
/* Reads what has come: 1 once the child has executed (EOF and nothing said), 0 while it
 * has not yet, -1 when it could not (why in r->text).  The descriptor is closed (and no
 * longer watched) at its end. */
int exec_report_read(struct exec_report *r, struct event_loop *loop);
/* Stops watching and closes, whatever came. */
void exec_report_close(struct exec_report *r, struct event_loop *loop);

#endif
