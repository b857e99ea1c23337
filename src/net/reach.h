/* Whether a server answers again: a TCP connect to its address and port, one each
 * period, each given the period to complete, and closed as soon as it does.  A path that
 * went silent (a blackhole, a dead uplink) gives no sign of its return: ssh's own connect
 * sits in TCP's retransmissions (1, 3, 7, 15 s apart) or the link in its backoff, and only
 * a fresh connection shows, within a period, that the server is reachable again. */
#ifndef SSHDIAL_REACH_H
#define SSHDIAL_REACH_H

#include <sys/types.h>
#include <time.h>

#include "lib/event.h"
#include "net/netpath.h"

enum reach_result {
	REACH_SILENT,      /* no answer within the period */
	REACH_UNREACHABLE, /* no route, or an ICMP error said so */
	REACH_REFUSED,     /* the host answered, but nothing listens on the port */
	REACH_ANSWERED,    /* the connection was accepted */
};
/* Not an enumerator: follow the last result. */
#define REACH_RESULT_COUNT (REACH_ANSWERED + 1)

const char *reach_result_name(enum reach_result r);

struct reach;

/* One connect's result; sent is when its SYN left (CLOCK_MONOTONIC).  fn may free the
 * probe. */
typedef void (*reach_fn)(void *arg, enum reach_result r, const struct timespec *sent);

/* Starts probing addr:port now and then every period_ms; the sockets are made as uid
 * (its file system uid: the route and netfilter's skuid are that account's), or as the
 * caller with REACH_AS_CALLER.  NULL only when out of memory, after logging it; a
 * socket that cannot be made is a result not reported (logged for debugging). */
#define REACH_AS_CALLER ((uid_t)-1)
struct reach *reach_start(struct event_loop *loop, const char *label, const struct net_addr *addr,
                          unsigned port, uid_t uid, unsigned period_ms, reach_fn fn, void *arg);
void reach_free(struct reach *r);

#endif
