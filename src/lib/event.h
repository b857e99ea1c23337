/* The one event loop of a process: epoll over descriptors, one timerfd for every timer,
 * signalfd for signals.  Timers are keyed by (callback, argument), as in dhcpcd's eloop,
 * so that an object can cancel all of its timers with one call. */
#ifndef SSHDIAL_EVENT_H
#define SSHDIAL_EVENT_H

#include <stdint.h>
#include <time.h>

struct event_loop;

typedef void (*event_fd_fn)(void *arg, int fd, uint32_t events);
typedef void (*event_timer_fn)(void *arg);
typedef void (*event_signal_fn)(void *arg, int signo);

struct event_loop *event_loop_new(void);
void event_loop_free(struct event_loop *loop);

/* Runs until event_loop_exit; returns the status given there, or -1 on a loop error.  It
 * may be run again after it returned (a test driving a loop in steps). */
int event_loop_run(struct event_loop *loop);
void event_loop_exit(struct event_loop *loop, int status);

/* events: EPOLLIN and/or EPOLLOUT.  The loop does not own fd. */
int event_fd_add(struct event_loop *loop, int fd, uint32_t events, event_fd_fn fn, void *arg);
void event_fd_del(struct event_loop *loop, int fd);
/* Changes what a watched descriptor is watched for (0: nothing, for now), without a new
 * watch: for a writer that wants EPOLLOUT only while it has something queued. */
int event_fd_mod(struct event_loop *loop, int fd, uint32_t events);

/* CLOCK_MONOTONIC as of this turn of the loop (when its epoll_wait returned), read once
 * per turn; outside a turn, the clock now.  Timers count from it. */
void event_now(const struct event_loop *loop, struct timespec *ts);
/* One-shot timer after msec; replaces a pending timer with the same (fn, arg). */
int event_timer_set(struct event_loop *loop, unsigned msec, event_timer_fn fn, void *arg);
/* One-shot timer at the next multiple of period_ms on the monotonic clock that is at least
 * period_ms / 2 away: every timer of one period fires in the same turn of the loop (the
 * health probes of all links, one wake-up and one counter read for all). */
int event_timer_set_aligned(struct event_loop *loop, unsigned period_ms, event_timer_fn fn,
                            void *arg);
void event_timer_cancel(struct event_loop *loop, event_timer_fn fn, void *arg);
/* Cancels every timer whose argument is arg. */
void event_timer_cancel_all(struct event_loop *loop, void *arg);

/* Blocks signo and delivers it through the loop.  One handler per signal. */
int event_signal_add(struct event_loop *loop, int signo, event_signal_fn fn, void *arg);

#endif
