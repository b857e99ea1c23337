/* A child process watched by the event loop through a pidfd: no SIGCHLD handler, no
 * polling, and the exit is reported exactly once with the wait status. */
#ifndef SSHDIAL_CHILD_H
#define SSHDIAL_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/event.h"

struct child;

typedef void (*child_exit_fn)(void *arg, const struct child *c, int wstatus);

/* Takes over pid (a child of this process).  NULL on failure, with the child killed. */
struct child *child_watch(struct event_loop *loop, pid_t pid, const char *label, child_exit_fn fn,
                          void *arg);
pid_t child_pid(const struct child *c);
const char *child_label(const struct child *c);
bool child_running(const struct child *c);
/* Signals c unless it has ended already (exited, even if not reaped yet). */
void child_signal(struct child *c, int signo);
/* Whether child_signal reached c while it still ran: its end was sshdial's doing. */
bool child_signalled(const struct child *c);
/* Frees c.  A child still running is killed and waited for: nothing is left behind. */
void child_free(struct child *c);

/* The parent of any process, from /proc; -1 if it is gone. */
pid_t process_parent(pid_t pid);

/* Describes a wait status for people: "exited with status 19", "killed by SIGTERM". */
void child_describe(int wstatus, char *buf, unsigned len);

#endif
