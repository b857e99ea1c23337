/* One peer's link and its life: idle -> dialing -> up -> closing -> backoff -> dialing ...
 * It starts the dial, applies and undoes the network changes when pppd reports ip-up and
 * ip-down, reads why an attempt ended, and decides whether and when to dial again. */
#ifndef SSHDIAL_LINK_H
#define SSHDIAL_LINK_H

#include <sys/types.h>

#include "conf/config.h"
#include "lib/event.h"
#include "ctl/hook_event.h"
#include "link/failure.h"
#include "net/netconf.h"

enum link_state {
	LINK_IDLE,
	LINK_DIALING, /* ssh and pppd started, waiting for ip-up */
	LINK_UP,      /* routes applied */
	LINK_CLOSING, /* waiting for ssh and pppd to end */
	LINK_BACKOFF, /* waiting to dial again */
	LINK_FAILED,  /* a permanent failure: no more dialing */
	LINK_STOPPED,
};

struct link;

/* Called once when the link has ended for good: stopped (FAILURE_NONE), or failed in a
 * way that dialing again cannot cure (the class of that failure). */
typedef void (*link_done_fn)(void *arg, enum failure_class cls);

/* The link borrows peer and nc; both must outlive it. */
struct link *link_new(struct event_loop *loop, const struct peer *peer, struct netconf *nc,
                      link_done_fn done, void *arg);
void link_free(struct link *l);
void link_start(struct link *l);
/* Brings the link down in order: pppd first (it says goodbye to the server and runs
 * ip-down), then ssh; everything is killed if it takes too long. */
void link_stop(struct link *l);
/* An event from the control socket.  0 accepted; -1 refused with reply set. */
int link_hook_event(struct link *l, const struct hook_event *ev, pid_t sender, char *reply,
                    size_t len);
enum link_state link_state(const struct link *l);
/* One log line: state, attempts, uptime, the last failure's reason. */
void link_log_status(const struct link *l);
/* route-all's kill switch holds traffic: the link is down and its rules are in. */
bool link_blocked(const struct link *l);
const char *link_state_name(enum link_state s);

#endif
