/* One peer's link and its life: idle -> dialing -> up -> closing -> backoff -> dialing ...
 * It starts the dial, applies and undoes the network changes when pppd reports ip-up and
 * ip-down, reads why an attempt ended, and decides whether and when to dial again. */
#ifndef SSHDIAL_LINK_H
#define SSHDIAL_LINK_H

#include <sys/types.h>
#include <time.h>

#include "conf/config.h"
#include "lib/err.h"
#include "lib/event.h"
#include "ctl/hook_event.h"
#include "link/failure.h"
#include "netconf/netconf.h"
#include "net/netpath.h"

enum link_state {
	LINK_IDLE,
	LINK_DIALING, /* ssh and pppd started, waiting for ip-up */
	LINK_UP,      /* routes applied */
	LINK_CLOSING, /* waiting for ssh and pppd to end */
	LINK_BACKOFF, /* waiting to dial again */
	LINK_FAILED,  /* a permanent failure: no more dialing */
	LINK_STOPPED,
	LINK_QUEUED,     /* ready to dial, waiting for the gate (the daemon's --max-dialing) */
	LINK_STATE_COUNT /* keep last: the size of tables indexed by the state */
};

struct link;

/* A link's last failure as a value, from where it happened to where a user reads it (the
 * log, status, the control reply, `call`'s exit status through its class). */
struct link_failure {
	struct err err; /* where names the peer; not set (err_is_set) when none */
	enum failure_class cls;
	time_t at; /* wall clock; 0 when none */
};

/* What a link tells its owner (the daemon's entry, which `call` runs too), with the arg
 * given to link_new. */
struct link_ops {
	/* Once, when the link has ended for good: stopped (f NULL), or failed in a way that
	 * dialing again cannot cure (f: that failure, the link's last, its class above
	 * FAILURE_TRANSIENT; valid until the link is freed).  Required. */
	void (*done)(void *arg, const struct link_failure *f);
	/* On every change of state (the daemon waits for up and for stopped with it); NULL:
	 * not told. */
	void (*state_changed)(void *arg, enum link_state s);
	/* Asked before each dial: false holds the link in LINK_QUEUED until link_dial_now (the
	 * daemon's --max-dialing); NULL: dial at once. */
	bool (*may_dial)(void *arg);
};

/* The link borrows peer, nc and ops; they must outlive it. */
struct link *link_new(struct event_loop *loop, const struct peer *peer, struct netconf *nc,
                      const struct link_ops *ops, void *arg);
void link_free(struct link *l);
void link_start(struct link *l);
/* Brings the link down in order: pppd first (it says goodbye to the server and runs
 * ip-down), then ssh; everything is killed if it takes too long. */
void link_stop(struct link *l);
/* An event from the control socket.  0 accepted; -1 refused with e saying why, its where
 * left empty (the hook names the event: control.h). */
int link_hook_event(struct link *l, const struct hook_event *ev, pid_t sender, struct err *e);
enum link_state link_state(const struct link *l);
/* The server the link is dialing or up on, or will dial next while backing off ('host'
 * of the peer file; the link moves to the next one when an attempt fails or the link
 * dies).  NULL for a peer with a pty command.  Owned by the peer. */
const char *link_server(const struct link *l);
/* What `sshdial status` shows of a link. */
struct link_info {
	enum link_state state;
	unsigned attempts;
	char ifname[16]; /* "" unless up */
	char local[46];  /* the tunnel's addresses, "" unless up */
	char remote[46];
	double uptime_s; /* 0 unless up */
	/* The last failure of an attempt, or why dialing could not start; NULL when none.
	 * Valid until the link changes. */
	const struct link_failure *last_failure;
	const char *server;         /* link_server(): NULL for a pty command */
	const char *transport;      /* "pty" or "frames" while up with pppd; NULL otherwise */
	int rtt_us;                 /* the health probe's last round trip; -1 unknown */
	char path[NET_PATH_STRLEN]; /* the route to the ssh server; "" unknown */
	struct net_path route;      /* the same as a value; family 0 unknown */
	/* While dialing, how far the attempt got, as pppd's log shows it: "authenticating" (ssh's
	 * login, serve, PPP's authentication), "authenticated" (negotiating the addresses),
	 * "configuring" (addresses in, applying the routes); NULL otherwise. */
	const char *phase;
	bool retrying; /* backing off: the next dial is due in next_retry_s */
	double next_retry_s;
	/* route-all's kill switch: "in_force" (up), "holding" (link down, traffic held),
	 * "unlocked" (sshdial unlock), "off" (not in: not dialed, stopped or failed); NULL for
	 * a peer without one.  kill_switch_always: kill-switch always. */
	const char *kill_switch;
	bool kill_switch_always;
};
void link_get_info(const struct link *l, struct link_info *out);
/* The link's forwards (link/forward.h), NULL without any. */
struct forwards;
const struct forwards *link_forwards(const struct link *l);
/* One log line: state, the server, attempts, uptime, the last failure's reason. */
void link_log_status(const struct link *l);
/* route-all's kill switch holds traffic: the link is down and its rules are in. */
bool link_blocked(const struct link *l);
/* kill-switch always (peer_lockdown) or link_hand_over, not unlocked: stopping or failing
 * for good leaves the kill switch in force (the session's changes stay applied in nc, for
 * the caller to hold). */
bool link_keeps_block(const struct link *l);
/* The next run of the same peer takes the kill switch over (a restart, a changed file that
 * keeps it): the stop leaves it in force, as link_keeps_block says, whatever the lockdown. */
void link_hand_over(struct link *l);
/* Puts route-all's kill switch of p in nc, in the session's scope, as a link's start does,
 * with nothing dialed (the daemon's lockdown at boot).  0, or -1 after logging. */
int link_block_alone(struct event_loop *loop, const struct peer *p, struct netconf *nc);
/* The netfilter guard of p's kill switch (netconf/guard.h) for local-user uid: its table,
 * local-user's way to every server and jump host (malloc'ed; the caller frees).  NULL
 * after logging.  policy_block applies it with the rules (policy_spec.guard). */
struct guard_spec;
struct guard_spec *link_guard_spec(const struct peer *p, uint32_t uid);
const char *link_state_name(enum link_state s);
/* The gate lets a queued link dial (nothing when it is not queued). */
void link_dial_now(struct link *l);

#endif
