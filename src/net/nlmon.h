/* The process's one netlink route monitor, shared by every subscriber (each link's route
 * watch), and its one request socket for lookups (routes, interface counters).  The
 * kernel sends every event to every monitor socket, so one per link would multiply the
 * work by the number of links; one socket per process reads each event once and tells
 * every subscriber.  Both sockets open with the first subscriber and close with the
 * last. */
#ifndef SSHDIAL_NLMON_H
#define SSHDIAL_NLMON_H

#include <stdbool.h>

#include "lib/event.h"

struct nl_sock;
struct nlmon_sub;

/* What changed, as a mask.  NLMON_LOST: the kernel dropped events (the socket's buffer
 * overflowed), so anything may have changed: read the state again. */
enum {
	NLMON_LINK = 1 << 0,
	NLMON_ADDR = 1 << 1,
	NLMON_ROUTE = 1 << 2,
	NLMON_LOST = 1 << 3,
	NLMON_RULE = 1 << 4,
	NLMON_NFT = 1 << 5, /* an nftables table, chain, rule or set changed */
};

/* Called once per burst of messages read, with the kinds seen. */
typedef void (*nlmon_fn)(void *arg, unsigned what);

/* fn NULL: the request socket only (no events).  NULL on failure, after logging why with
 * label.  Every subscription must use the same loop. */
struct nlmon_sub *nlmon_subscribe(struct event_loop *loop, const char *label, nlmon_fn fn,
                                  void *arg);
/* The shared request socket: blocking, for synchronous requests that the kernel answers
 * at once (a route lookup, an interface's counters).  Never a monitor. */
struct nl_sock *nlmon_request_socket(const struct nlmon_sub *sub);
/* Safe from inside a callback, including for the subscription being called. */
void nlmon_unsubscribe(struct nlmon_sub *sub);

/* Whether nftables' changes are reported (NLMON_NFT): false before the first subscriber
 * and where the kernel sends none, so that only another kind of event may tell of one. */
bool nlmon_reports_nft(void);

/* How many monitor and request sockets the process has open (for tests). */
void nlmon_counts(unsigned *monitors, unsigned *requests);

#endif
