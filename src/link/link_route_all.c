/* route-all in the link (route_all.h): the kill switch's rules from the start, the link's
 * default route at ip-up, what someone else deletes put back, and unlock. */
#include "link/link_priv.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf/jump_spec.h"
#include "lib/account.h"
#include "lib/err.h"
#include "lib/log.h"
#include "netconf/guard.h"
#include "netconf/netconf.h"
#include "net/nlmon.h"

/* route-all's rules and routes deleted by someone else are put back this long after the
 * first netlink event that may tell of it (not after the burst: a link that keeps the
 * kernel busy with events must not postpone it). */
#define REASSERT_SETTLE_MS 100

/* Keyed by &l->route_all.heal_pending, not l: the link's own timers are cancelled at every change
 * of state, and this one must not be. */
static void on_reassert(void *arg)
{
	struct link *l =
	    (struct link *)((char *)arg - offsetof(struct link, route_all.heal_pending));
	l->route_all.heal_pending = false;
	unsigned what = l->route_all.heal_what;
	l->route_all.heal_what = 0;
	if (netconf_reassert_after(l->nc, what) < 0)
		log_error("%s: route-all: could not put back a rule or route (see above)",
		          peer_name(l->peer));
}

/* Something changed rules, routes or nftables: perhaps ours were deleted (networkd,
 * NetworkManager, a firewall's reload, a script).  Our own additions come back here too,
 * and find everything in place. */
static void on_rules_changed(void *arg, unsigned what)
{
	struct link *l = arg;
	if (!netconf_applied(l->nc))
		return;
	l->route_all.heal_what |= what;
	if (!l->route_all.heal_pending) {
		l->route_all.heal_pending = true;
		event_timer_set(l->loop, REASSERT_SETTLE_MS, on_reassert,
		                &l->route_all.heal_pending);
	}
}

/* route-all's rules and the table's unreachables: the session's with the kill switch. */
static int link_block(struct link *l, enum journal_scope scope)
{
	if (policy_block(l->nc, scope, &l->route_all.policy) < 0) {
		failure_set(&l->failure, FAILURE_CONFIG,
		            "cannot install route-all's rules (see above); nothing was left "
		            "half-configured");
		return -1;
	}
	if (!l->route_all.heal)
		l->route_all.heal =
		    nlmon_subscribe(l->loop, peer_name(l->peer), on_rules_changed, l);
	return 0;
}

/* The guard of the kill switch: local-user's way to every server and jump host (the
 * link may fail over to any of them), by address where the peer file gives one. */
struct guard_spec *link_guard_spec(const struct peer *p, uint32_t uid)
{
	struct guard_spec *g = calloc(1, sizeof(*g));

	if (!g || guard_table_name(g->table, sizeof(g->table), peer_name(p)) < 0) {
		log_error("%s: route-all: cannot make the kill switch's guard (out of memory or "
		          "a peer name nftables cannot take)",
		          peer_name(p));
		free(g);
		return NULL;
	}
	g->uid = uid;
	g->all = peer_server_count(p) == 0; /* a pty command: its way is not known */
	for (size_t i = 0; i < peer_server_count(p); i++)
		guard_add_server(g, peer_server_host(p, i), peer_server_port(p, i));
	for (size_t i = 0; i < peer_jump_count(p); i++)
		guard_add_server(g, peer_jump(p, i)->host, peer_jump(p, i)->port);
	return g;
}

/* route-all: the uid whose traffic stays outside, and with the kill switch the rules at
 * once, before the first dial, and the guard behind them: nothing leaks while it runs. */
int link_route_all_start(struct link *l)
{
	const struct passwd *pw = getpwnam(peer_local_user(l->peer));
	if (!pw) {
		log_error("%s: route-all: local-user '%s' is no account of this system; create it "
		          "or name another",
		          peer_name(l->peer), peer_local_user(l->peer));
		return -1;
	}
	struct account_use use;
	char why[400];
	account_use_scan((uint32_t)pw->pw_uid, &use);
	if (account_refusal(peer_local_user(l->peer), (uint32_t)pw->pw_uid, &use, why,
	                    sizeof(why))) {
		failure_set(&l->failure, FAILURE_CONFIG, "%s", why);
		log_error("%s: route-all: %s", peer_name(l->peer), why);
		return -1;
	}
	l->route_all.policy = (struct policy_spec){.label = peer_name(l->peer),
	                                           .uid = (uint32_t)pw->pw_uid,
	                                           .allow_lan = peer_allow_lan(l->peer)};
	if (!peer_kill_switch(l->peer))
		return 0;
	if (!l->route_all.guard &&
	    !(l->route_all.guard = link_guard_spec(l->peer, l->route_all.policy.uid)))
		return -1;
	l->route_all.policy.guard = l->route_all.guard;
	if (link_block(l, JOURNAL_SESSION) < 0) {
		char text[FAILURE_TEXT_MAX];
		log_error("%s: %s", peer_name(l->peer),
		          failure_format(&l->failure, text, sizeof(text)));
		/* A kill switch taken over stays whole, with what of this one went in: the
		 * daemon holds it (entry.c's teardown).  Undoing all would lift it. */
		if (!netconf_taking_over(l->nc))
			link_undo_network(l, true);
		return -1;
	}
	l->route_all.blocked = true;
	log_info("%s: route-all: kill switch on, traffic held until the link is up",
	         peer_name(l->peer));
	return 0;
}

/* sshdial unlock: the kill switch off while the link is down; route-all comes back with the
 * next link, in the attempt's scope. */
int link_unlock(struct link *l, struct err *e)
{
	if (!peer_route_all(l->peer) || !peer_kill_switch(l->peer)) {
		err_set(e, NULL, NULL, "%s has no kill switch (route-all and kill-switch are off)",
		        peer_name(l->peer));
		return -1;
	}
	if (l->state == LINK_UP) {
		err_set(e, NULL, NULL,
		        "%s is up: its traffic goes through the link; unlock lifts the "
		        "kill switch while the link is down",
		        peer_name(l->peer));
		return -1;
	}
	l->route_all.unlocked = true;
	if (l->route_all.blocked) {
		link_undo_network(l, true);
		log_warn("%s: unlocked: the kill switch is off, traffic takes the underlying "
		         "network until the link is up again",
		         peer_name(l->peer));
	}
	return 0;
}

bool link_keeps_block(const struct link *l)
{
	return (peer_lockdown(l->peer) || l->route_all.hand_over) && l->route_all.blocked &&
	       !l->route_all.unlocked;
}

void link_hand_over(struct link *l)
{
	l->route_all.hand_over = true;
}

static void block_alone_done(void *arg, const struct link_failure *f)
{
	(void)arg;
	(void)f;
}

static const struct link_ops block_alone_ops = {.done = block_alone_done};

int link_block_alone(struct event_loop *loop, const struct peer *p, struct netconf *nc)
{
	/* The kill switch exactly as a link's start puts it in, with nothing dialed. */
	struct link *l = link_new(loop, p, nc, &block_alone_ops, NULL);
	if (!l)
		return -1;
	int rc = peer_route_all(p) && peer_kill_switch(p) ? link_route_all_start(l) : -1;
	link_free(l);
	return rc;
}

bool link_blocked(const struct link *l)
{
	return l->route_all.blocked && l->state != LINK_UP;
}

/* The link's interface through the guard, then its routes: the guard holds no traffic the
 * routes send into the link. */
int link_route_all_up(struct link *l, const char *ifname, struct err *e)
{
	/* Without the kill switch (off, or unlocked) the rules are the attempt's, unguarded. */
	l->route_all.policy.guard = NULL;
	if ((!l->route_all.blocked && link_block(l, JOURNAL_ATTEMPT) < 0) ||
	    (l->route_all.blocked &&
	     netconf_guard_link(l->nc, JOURNAL_ATTEMPT, l->route_all.guard->table, ifname) < 0) ||
	    policy_link_up(l->nc, ifname, peer_ipv6(l->peer)) < 0) {
		/* The interface gone or down already (the server ended the link right after
		 * IPCP): a dropped link, to dial again, not a setup that cannot be. */
		if (link_if_dropped(ifname))
			failure_set(&l->failure, FAILURE_TRANSIENT,
			            "%s went down before everything could be routed through it",
			            ifname);
		else if (!l->failure.cls)
			failure_set(&l->failure, FAILURE_CONFIG,
			            "cannot route everything through %s (see above); the link was "
			            "taken down rather than left half-configured",
			            ifname);
		err_set(e, NULL, NULL, "cannot route everything through %s", ifname);
		return -1;
	}
	return 0;
}

void link_route_all_free(struct link *l)
{
	free(l->route_all.guard);
	l->route_all.guard = NULL;
	event_timer_cancel_all(l->loop, &l->route_all.heal_pending);
	nlmon_unsubscribe(l->route_all.heal);
	l->route_all.heal = NULL;
}
