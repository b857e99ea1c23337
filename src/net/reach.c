#include "net/reach.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"

struct reach {
	struct event_loop *loop;
	char label[64];
	struct sockaddr_storage to;
	socklen_t to_len;
	uid_t uid;
	unsigned period_ms;
	int fd; /* the connect in flight; -1: none */
	struct timespec sent;
	reach_fn fn;
	void *arg;
};

static const char *const result_names[] = {
    [REACH_SILENT] = "no answer",
    [REACH_UNREACHABLE] = "unreachable",
    [REACH_REFUSED] = "refused",
    [REACH_ANSWERED] = "answered",
};
_Static_assert(sizeof(result_names) / sizeof(result_names[0]) == REACH_RESULT_COUNT,
               "a name for each reach result");

const char *reach_result_name(enum reach_result r)
{
	return (unsigned)r < REACH_RESULT_COUNT ? result_names[r] : "?";
}

static enum reach_result result_of_errno(int e)
{
	switch (e) {
	case 0:
		return REACH_ANSWERED;
	case ECONNREFUSED:
		return REACH_REFUSED;
	default: /* ENETUNREACH, EHOSTUNREACH, EACCES (a firewall), ETIMEDOUT... */
		return REACH_UNREACHABLE;
	}
}

static void close_in_flight(struct reach *r)
{
	if (r->fd < 0)
		return;
	event_fd_del(r->loop, r->fd);
	close(r->fd);
	r->fd = -1;
}

/* The socket is made as uid (setfsuid, this process has no threads): its route and
 * netfilter's skuid then are that account's, as for the ssh that dials. */
static int open_as(const struct reach *r)
{
	uid_t was = 0;
	if (r->uid != REACH_AS_CALLER)
		was = (uid_t)setfsuid(r->uid);
	int fd = socket(r->to.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	int saved = errno;
	if (r->uid != REACH_AS_CALLER)
		(void)setfsuid(was);
	errno = saved;
	return fd;
}

static void on_connected(void *arg, int fd, uint32_t events)
{
	struct reach *r = arg;
	(void)events;
	int e = 0;
	socklen_t len = sizeof(e);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		e = errno;
	struct timespec sent = r->sent;
	close_in_flight(r);
	r->fn(r->arg, result_of_errno(e), &sent);
}

static void on_tick(void *arg)
{
	struct reach *r = arg;
	if (r->fd >= 0) { /* the last one had its period: silence */
		struct timespec sent = r->sent;
		close_in_flight(r);
		event_timer_set(r->loop, 0, on_tick, r);
		r->fn(r->arg, REACH_SILENT, &sent);
		return;
	}
	event_timer_set(r->loop, r->period_ms, on_tick, r);
	clock_gettime(CLOCK_MONOTONIC, &r->sent);
	int fd = open_as(r);
	if (fd < 0) {
		log_debug("%s: reach probe: socket: %s", r->label, strerror(errno));
		return;
	}
	int e = connect(fd, (const struct sockaddr *)&r->to, r->to_len) == 0 ? 0 : errno;
	if (e != EINPROGRESS) {
		struct timespec sent = r->sent;
		close(fd);
		r->fn(r->arg, result_of_errno(e), &sent);
		return;
	}
	if (event_fd_add(r->loop, fd, EPOLLOUT, on_connected, r) < 0) {
		close(fd);
		return;
	}
	r->fd = fd;
}

struct reach *reach_start(struct event_loop *loop, const char *label, const struct net_addr *addr,
                          unsigned port, uid_t uid, unsigned period_ms, reach_fn fn, void *arg)
{
	struct reach *r = calloc(1, sizeof(*r));
	if (!r) {
		log_error("%s: cannot start the reach probe: out of memory", label);
		return NULL;
	}
	*r = (struct reach){
	    .loop = loop, .uid = uid, .period_ms = period_ms, .fd = -1, .fn = fn, .arg = arg};
	snprintf(r->label, sizeof(r->label), "%s", label);
	if (addr->family == AF_INET6) {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&r->to;
		s->sin6_family = AF_INET6;
		s->sin6_port = htons((uint16_t)port);
		s->sin6_addr = addr->u.v6;
		r->to_len = sizeof(*s);
	} else {
		struct sockaddr_in *s = (struct sockaddr_in *)&r->to;
		s->sin_family = AF_INET;
		s->sin_port = htons((uint16_t)port);
		s->sin_addr = addr->u.v4;
		r->to_len = sizeof(*s);
	}
	event_timer_set(loop, 0, on_tick, r);
	return r;
}

void reach_free(struct reach *r)
{
	if (!r)
		return;
	event_timer_cancel_all(r->loop, r);
	close_in_flight(r);
	free(r);
}
