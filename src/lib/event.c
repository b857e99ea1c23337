#include "lib/event.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/log.h"

struct watch {
	int fd;
	event_fd_fn fn;
	void *arg;
	bool deleted;
	struct watch *next;
};

struct timer {
	uint64_t due_ms;
	event_timer_fn fn;
	void *arg;
	struct timer *next;
};

#define MAX_SIGNALS 8

struct event_loop {
	int epfd;
	int timerfd;
	int sigfd;
	sigset_t sigmask;
	struct {
		int signo;
		event_signal_fn fn;
		void *arg;
	} signals[MAX_SIGNALS];
	unsigned nsignals;
	struct watch *watches;
	struct timer *timers; /* sorted by due time */
	uint64_t armed_ms;    /* the due time the timerfd is set for; 0 disarmed */
	struct timespec turn; /* when this turn's epoll_wait returned */
	bool in_turn;
	bool exiting;
	int status;
};

/* The time of the turn inside one (one clock read per turn, however many timers and
 * probes it handles), the clock's outside. */
void event_now(const struct event_loop *loop, struct timespec *ts)
{
	if (loop->in_turn)
		*ts = loop->turn;
	else
		clock_gettime(CLOCK_MONOTONIC, ts);
}

static uint64_t loop_ms(const struct event_loop *loop)
{
	struct timespec ts;
	event_now(loop, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct event_loop *event_loop_new(void)
{
	struct event_loop *loop = calloc(1, sizeof(*loop));
	if (!loop)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	loop->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	sigemptyset(&loop->sigmask);
	loop->sigfd = signalfd(-1, &loop->sigmask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (loop->epfd < 0 || loop->timerfd < 0 || loop->sigfd < 0) {
		err_log_errno(errno, "cannot create the event loop");
		event_loop_free(loop);
		return NULL;
	}
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &loop->timerfd};
	epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->timerfd, &ev);
	ev.data.ptr = &loop->sigfd;
	epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->sigfd, &ev);
	return loop;
}

void event_loop_free(struct event_loop *loop)
{
	if (!loop)
		return;
	while (loop->watches) {
		struct watch *w = loop->watches;
		loop->watches = w->next;
		free(w);
	}
	while (loop->timers) {
		struct timer *t = loop->timers;
		loop->timers = t->next;
		free(t);
	}
	if (loop->epfd >= 0)
		close(loop->epfd);
	if (loop->timerfd >= 0)
		close(loop->timerfd);
	if (loop->sigfd >= 0)
		close(loop->sigfd);
	/* Children started after this must not inherit blocked signals. */
	sigprocmask(SIG_UNBLOCK, &loop->sigmask, NULL);
	free(loop);
}

void event_loop_exit(struct event_loop *loop, int status)
{
	loop->exiting = true;
	loop->status = status;
}

int event_fd_add(struct event_loop *loop, int fd, uint32_t events, event_fd_fn fn, void *arg)
{
	struct watch *w = calloc(1, sizeof(*w));
	if (!w)
		return -1;
	*w = (struct watch){.fd = fd, .fn = fn, .arg = arg, .next = loop->watches};
	struct epoll_event ev = {.events = events, .data.ptr = w};
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		err_log_errno(errno, "cannot watch descriptor %d", fd);
		free(w);
		return -1;
	}
	loop->watches = w;
	return 0;
}

void event_fd_del(struct event_loop *loop, int fd)
{
	for (struct watch *w = loop->watches; w; w = w->next) {
		if (w->fd == fd && !w->deleted) {
			epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
			/* Freed after the current batch of events: one may still point at it. */
			w->deleted = true;
			return;
		}
	}
}

int event_fd_mod(struct event_loop *loop, int fd, uint32_t events)
{
	for (struct watch *w = loop->watches; w; w = w->next) {
		if (w->fd == fd && !w->deleted) {
			struct epoll_event ev = {.events = events, .data.ptr = w};
			return epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev);
		}
	}
	errno = ENOENT;
	return -1;
}

static void reap_deleted_watches(struct event_loop *loop)
{
	struct watch **pp = &loop->watches;
	while (*pp) {
		struct watch *w = *pp;
		if (w->deleted) {
			*pp = w->next;
			free(w);
		} else {
			pp = &w->next;
		}
	}
}

static void arm_timerfd(struct event_loop *loop)
{
	/* Most changes leave the first due time as it was (a health probe's timeout pushed
	 * back, a timer set behind others): the timerfd is then right already. */
	uint64_t due_ms = loop->timers ? loop->timers->due_ms : 0;
	if (due_ms == loop->armed_ms)
		return;
	loop->armed_ms = due_ms;
	/* An absolute due time: no clock read here (one already past fires at once). */
	struct itimerspec its = {0};
	if (loop->timers) {
		its.it_value.tv_sec = (time_t)(due_ms / 1000);
		its.it_value.tv_nsec = (long)(due_ms % 1000) * 1000000;
	}
	timerfd_settime(loop->timerfd, loop->timers ? TFD_TIMER_ABSTIME : 0, &its, NULL);
}

static void timer_unlink(struct event_loop *loop, event_timer_fn fn, const void *arg, bool any_fn)
{
	struct timer **pp = &loop->timers;
	while (*pp) {
		struct timer *t = *pp;
		if ((any_fn || t->fn == fn) && t->arg == arg) {
			*pp = t->next;
			free(t);
		} else {
			pp = &t->next;
		}
	}
}

static int timer_insert(struct event_loop *loop, uint64_t due_ms, event_timer_fn fn, void *arg)
{
	timer_unlink(loop, fn, arg, false);
	struct timer *t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	*t = (struct timer){.due_ms = due_ms, .fn = fn, .arg = arg};
	struct timer **pp = &loop->timers;
	while (*pp && (*pp)->due_ms <= t->due_ms)
		pp = &(*pp)->next;
	t->next = *pp;
	*pp = t;
	arm_timerfd(loop);
	return 0;
}

int event_timer_set(struct event_loop *loop, unsigned msec, event_timer_fn fn, void *arg)
{
	return timer_insert(loop, loop_ms(loop) + msec, fn, arg);
}

int event_timer_set_aligned(struct event_loop *loop, unsigned period_ms, event_timer_fn fn,
                            void *arg)
{
	uint64_t now = loop_ms(loop), p = period_ms ? period_ms : 1;
	uint64_t due = (now / p + 1) * p;
	if (due - now < p / 2)
		due += p;
	return timer_insert(loop, due, fn, arg);
}

void event_timer_cancel(struct event_loop *loop, event_timer_fn fn, void *arg)
{
	timer_unlink(loop, fn, arg, false);
	arm_timerfd(loop);
}

void event_timer_cancel_all(struct event_loop *loop, void *arg)
{
	timer_unlink(loop, NULL, arg, true);
	arm_timerfd(loop);
}

int event_signal_add(struct event_loop *loop, int signo, event_signal_fn fn, void *arg)
{
	if (loop->nsignals == MAX_SIGNALS)
		return -1;
	loop->signals[loop->nsignals].signo = signo;
	loop->signals[loop->nsignals].fn = fn;
	loop->signals[loop->nsignals].arg = arg;
	loop->nsignals++;
	sigaddset(&loop->sigmask, signo);
	if (sigprocmask(SIG_BLOCK, &loop->sigmask, NULL) < 0 ||
	    signalfd(loop->sigfd, &loop->sigmask, 0) < 0) {
		err_log_errno(errno, "cannot handle signal %d", signo);
		return -1;
	}
	return 0;
}

static void run_due_timers(struct event_loop *loop)
{
	uint64_t expirations;
	/* One read takes every expiration; the timerfd is disarmed once it has fired. */
	if (read(loop->timerfd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		log_debug("event loop: reading the timerfd: %s", strerror(errno));
	loop->armed_ms = 0;
	uint64_t now = loop_ms(loop);
	/* A callback may set or cancel timers: take one at a time from the head. */
	while (loop->timers && loop->timers->due_ms <= now && !loop->exiting) {
		struct timer *t = loop->timers;
		loop->timers = t->next;
		event_timer_fn fn = t->fn;
		void *arg = t->arg;
		free(t);
		fn(arg);
	}
	arm_timerfd(loop);
}

static void run_signals(struct event_loop *loop)
{
	struct signalfd_siginfo si;
	while (read(loop->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		for (unsigned i = 0; i < loop->nsignals; i++)
			if (loop->signals[i].signo == (int)si.ssi_signo)
				loop->signals[i].fn(loop->signals[i].arg, (int)si.ssi_signo);
	}
}

int event_loop_run(struct event_loop *loop)
{
	struct epoll_event events[16];

	while (!loop->exiting) {
		int n = epoll_wait(loop->epfd, events, 16, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err_log_errno(errno, "event loop");
			return -1;
		}
		clock_gettime(CLOCK_MONOTONIC, &loop->turn);
		loop->in_turn = true;
		for (int i = 0; i < n && !loop->exiting; i++) {
			void *p = events[i].data.ptr;
			if (p == &loop->timerfd) {
				run_due_timers(loop);
			} else if (p == &loop->sigfd) {
				run_signals(loop);
			} else {
				struct watch *w = p;
				if (!w->deleted)
					w->fn(w->arg, w->fd, events[i].events);
			}
		}
		loop->in_turn = false;
		reap_deleted_watches(loop);
	}
	loop->in_turn = false;
	loop->exiting = false; /* the loop may run again */
	return loop->status;
}
