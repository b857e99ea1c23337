/* The link's state, shared by the files of the link's state machine and by nothing else.
 * The core is link.c's (dialing, the attempt's end, redialing); each part below is owned
 * by the file named on it: the servers (link_servers.c), route-all (link_route_all.c),
 * the transport (link_transport.c), the current attempt (link.c, link_hook.c) and the
 * path watch (link_path.c).  link_status.c reads them all for status. */
#ifndef SSHDIAL_LINK_PRIV_H
#define SSHDIAL_LINK_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <time.h>

#include "lib/err.h"
#include "link/attempt_deadline.h"
#include "link/failure.h"
#include "link/link.h"
#include "link/transport.h"
#include "lib/backoff.h"
#include "netconf/dns.h"
#include "netconf/route_all.h"
#include "net/netpath.h"

struct dial;
struct health;
struct netwatch;
struct reach;
struct resolve;
struct forwards;
struct guard_spec;
struct nlmon_sub;
struct link_scripts;
struct hook_event;

/* The servers ('host' lines; none with pty): tried in this order, from pos.  Owned by
 * link_servers.c. */
struct link_servers {
	size_t n;
	size_t *order;
	size_t pos;
	unsigned *permanent; /* permanent failures of each server, by peer index */
};

/* route-all (policy.h): the kill switch and its self-healing.  Owned by link_route_all.c;
 * link_undo_network (all) lifts blocked, and the path watch resolves as policy.uid. */
struct link_route_all {
	struct policy_spec policy;
	struct guard_spec *guard; /* the kill switch's netfilter guard (guard.h); NULL: none */
	bool blocked;             /* the kill switch's rules are in, the session's */
	bool unlocked;            /* sshdial unlock: no kill switch for the rest of the session */
	bool hand_over;           /* link_hand_over: the stop leaves the kill switch in force */
	struct nlmon_sub *heal;
	bool heal_pending;  /* a reassert is due: events that come meanwhile do not delay it */
	unsigned heal_what; /* nlmon's kinds of change seen since the reassert was set */
};

/* transport auto.  Owned by link_transport.c; link.c reads and clears redial_pty. */
struct link_transport {
	enum dial_transport asked; /* what this attempt was asked to dial */
	bool frames;               /* this attempt dials frames */
	bool *refused;             /* frames, by the peer's server index; NULL: none yet */
	bool redial_pty;           /* the server refused frames: dial again at once */
	bool noted;                /* the line saying why auto took the pty, once */
};

/* The current attempt, from its dial to its end.  Owned by link.c (the dial, the
 * deadline) and link_hook.c (ip-up, ip-down); link_ipv6.c sets local6. */
struct link_attempt {
	bool came_up;    /* reached ip-up */
	bool relay_down; /* transport frames: the relay's stream ended, pppd's "hangup" */
	bool dns_set;    /* replaced the resolver (one of netconf's changes) */
	enum dns_backend dns_backend; /* through which, for messages */
	char ifname[16];
	char local[46], remote[46];
	char local6[46]; /* ipv6 yes: the address put on the link, for the scripts */
	struct timespec dial_started;
	struct timespec up_since;
	unsigned deadline_ms;             /* attempt_deadline.h */
	struct attempt_progress progress; /* as pppd's lines show it */
};

/* The route to the ssh server, watched to redial when it changes.  Owned by link_path.c. */
struct link_path {
	struct netwatch *watch;
	struct resolve *resolving; /* the ssh server's name */
	size_t watched;            /* the server the watch is for */
	struct net_addr addr;      /* its address, as resolved for the watch; family 0: none */
};

/* Whether the server answers again after an attempt failed (net/reach.h): the first
 * answer after silence ends the wait, or the attempt that met the silence.  Owned by
 * link_reach.c. */
struct link_reach {
	struct reach *probe;
	bool silence_seen;       /* a connect went unanswered, unreachable or refused */
	bool silence_in_attempt; /* one sent after the current attempt's dial */
};

struct link {
	struct event_loop *loop;
	const struct peer *peer;
	struct netconf *nc;
	const struct link_ops *ops;
	void *arg;
	enum link_state state;
	struct dial *dial;
	struct failure failure;
	struct backoff backoff;
	bool stopping;
	bool redial_now; /* the path to the server changed: no backoff */
	unsigned attempts;
	unsigned failed_in_row;    /* attempts ended since the link was last up */
	unsigned missed_deadlines; /* attempts in a row that ended on the deadline */
	struct timespec started;   /* link_start */
	struct timespec retry_at;  /* when the backoff's timer dials again (status) */
	struct health *health;
	struct forwards *fw; /* NULL without forwards */
	/* The last attempt's failure, or why dialing could not start (link_info.last_failure) */
	struct link_failure last;
	struct link_scripts *scripts; /* link_script.c's; NULL until the first runs */
	struct link_attempt attempt;
	struct link_servers servers;
	struct link_transport transport;
	struct link_route_all route_all;
	struct link_path path;
	struct link_reach reach;
};

/* Undoes the attempt's changes, or all of them (the session's too: stop, unlock). */
void link_undo_network(struct link *l, bool all);
void link_set_state(struct link *l, enum link_state s);
/* Ends the current attempt: pppd first, so that it can say goodbye and run ip-down. */
void link_hang_up(struct link *l);
/* The path is gone: pppd's goodbye cannot arrive, so ssh need not wait for it. */
void link_hang_up_now(struct link *l);
/* Backing off: the wait is cut short (the path came back), with the backoff and the count
 * of failures afresh. */
void link_dial_again_now(struct link *l);
/* ip-up's routes and the rest are in: the dial timeout gives way to the stable timer, the
 * health probe starts on ifname towards remote, and the state is up. */
void link_went_up(struct link *l, const char *ifname, const char *remote);

/* route-all (link_route_all.c).  At start: the uid, and with the kill switch the rules;
 * -1 after logging.  At ip-up: the link's default route (and the rules without the kill
 * switch); -1 with e and the failure set.  unlock: 0, or -1 with e saying why. */
int link_route_all_start(struct link *l);
int link_route_all_up(struct link *l, const char *ifname, struct err *e);
/* True when ifname is gone or down: pppd's link ended while its ip-up waited (the server
 * ended LCP right after IPCP).  A change that fails on it is a dropped link, not a setup
 * that cannot be (link_hook.c). */
bool link_if_dropped(const char *ifname);
int link_unlock(struct link *l, struct err *e);
void link_route_all_free(struct link *l);

/* ipv6 yes (link_ipv6.c): at ip-up, the address from ipv6-prefix and the link's IPv4
 * address local on ifname; -1 with e and the failure set. */
int link_ipv6_up(struct link *l, const char *ifname, const char *local, struct err *e);

/* The servers (link_servers.c): the order at start (-1 when out of memory), the peer's
 * index of the one this attempt dials, how many are not given up, moving on after an
 * attempt, and giving up the current one after a permanent failure of its own (false:
 * the failure stands for the whole link). */
int link_servers_init(struct link *l, uint32_t seed);
size_t link_server_index(const struct link *l);
size_t link_usable_servers(const struct link *l);
void link_next_server(struct link *l);
bool link_give_up_server(struct link *l);
void link_servers_free(struct link *l);

/* transport auto (link_transport.c): the transport of the attempt about to dial (logging
 * once why auto takes the pty); after dial_start, what it dials; and when the server
 * answered this attempt without frames before the link came up: true when auto chose
 * frames, which remembers the refusal for this server, logs it, sets a transient failure
 * and redial_pty; false when the failure stands (transport frames). */
enum dial_transport link_transport_choose(struct link *l);
void link_transport_dialed(struct link *l);
bool link_transport_refused(struct link *l);
void link_transport_free(struct link *l);

/* The scripts (link_script.c): the up ones once ip-up's changes are in; the down ones
 * once the attempt's changes are undone (only after up ones ran, once); the link's end
 * told to its owner (l->done) once no script runs any more, so that a down-script is not
 * killed by the exit of `call`; and freeing, which kills what still runs. */
void link_scripts_up(struct link *l, const struct hook_event *ev);
void link_scripts_down(struct link *l);
void link_scripts_done(struct link *l, const struct link_failure *f);
void link_scripts_free(struct link *l);

/* The path watch (link_path.c): started (resolving the server's name off the loop) before
 * each dial, for the server the link dials; stopped when the link moves to another server
 * and at the end; unrouted when the watch knows of no route to the server. */
void link_watch_path(struct link *l);
void link_unwatch_path(struct link *l);
bool link_path_unrouted(const struct link *l);

/* The reach probe (link_reach.c): started when an attempt ended in a transient failure
 * (at most one connect when the path is not the cause: it must first see silence), told
 * of each new dial, and stopped when the link is up, ends, or moves to another server. */
void link_reach_start(struct link *l);
void link_reach_dialed(struct link *l);
void link_reach_stop(struct link *l);

/* Seconds from t0 (CLOCK_MONOTONIC) to now. */
double link_seconds_since(const struct timespec *t0);

#endif
