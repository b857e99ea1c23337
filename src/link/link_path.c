/* The route to the ssh server (link_path in link_priv.h): watched from the first dial, so
 * that a change of the path redials at once rather than after the health probe's verdict
 * and a backoff.  Part of the link's state machine (link_priv.h). */
#include "link/link_priv.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/log.h"
#include "net/netwatch.h"
#include "net/resolve.h"

/* glibc's resolver gives up after 2 tries of 5 s per server: past 15 s it is stuck. */
#define RESOLVE_TIMEOUT_MS 15000

bool link_path_unrouted(const struct link *l)
{
	return l->path.watch && !net_path_routed(netwatch_path(l->path.watch));
}

static void on_path_changed(void *arg, const struct net_path *before, const struct net_path *after)
{
	struct link *l = arg;
	const char *host = peer_server_host(l->peer, l->path.watched);
	char was[NET_PATH_STRLEN], now[NET_PATH_STRLEN];
	net_path_format(before, was, sizeof(was));
	net_path_format(after, now, sizeof(now));
	bool source_moved = !net_path_same_source(before, after) || !net_path_routed(after);

	if (l->state == LINK_BACKOFF && net_path_routed(after)) {
		log_info("%s: path to %s changed (%s -> %s); dialing again now", peer_name(l->peer),
		         host, was, now);
		link_dial_again_now(l);
	} else if (l->state == LINK_CLOSING && !l->stopping) {
		/* The attempt is ending, perhaps on the health verdict the change caused: the
		 * next one follows the new path at once, without a backoff. */
		log_info("%s: path to %s changed (%s -> %s); dialing again once the attempt has "
		         "ended",
		         peer_name(l->peer), host, was, now);
		l->redial_now = true;
	} else if ((l->state == LINK_DIALING || l->state == LINK_UP) && source_moved) {
		/* ssh's connection is bound to the old source address: it is dead. */
		log_info("%s: path to %s changed (%s -> %s); dialing again now", peer_name(l->peer),
		         host, was, now);
		failure_set(&l->failure, FAILURE_TRANSIENT, "the path to %s changed", host);
		l->redial_now = true;
		link_hang_up_now(l);
	} else {
		log_info("%s: path to %s changed (%s -> %s)", peer_name(l->peer), host, was, now);
	}
}

/* The watch needs an address; ssh resolves the name again itself, and may know it by
 * another (a Host alias of ssh_config), so a failure here only leaves the route
 * unwatched until the next attempt tries again. */
static void on_resolved(void *arg, const struct resolve_result *r)
{
	struct link *l = arg;
	l->path.resolving = NULL;
	if (!r->ok) {
		log_debug("%s: %s; not watching the route to it", peer_name(l->peer), r->error);
		return;
	}
	l->path.addr = r->addrs[0];
	l->path.watch =
	    netwatch_start(l->loop, peer_name(l->peer), &r->addrs[0], on_path_changed, l);
	if (l->path.watch && peer_route_all(l->peer))
		netwatch_as_uid(l->path.watch,
		                l->route_all.policy.uid); /* ssh's path, not the link's */
	if (l->path.watch) {
		char path[NET_PATH_STRLEN];
		net_path_format(netwatch_path(l->path.watch), path, sizeof(path));
		log_debug("%s: path to %s: %s", peer_name(l->peer), link_server(l), path);
	}
}

/* Resolved off the loop (resolve.c): a slow name server must not stall the dial, nor
 * any other link of the process. */
void link_watch_path(struct link *l)
{
	if (l->path.watch || l->path.resolving || !link_server(l))
		return;
	l->path.watched = link_server_index(l);
	/* Under route-all the name server is reached the way ssh reaches it, as local-user:
	 * root's query would be held by the kill switch while the link is down. */
	uid_t as = peer_route_all(l->peer) ? (uid_t)l->route_all.policy.uid : RESOLVE_AS_CALLER;
	l->path.resolving =
	    resolve_start_as(l->loop, link_server(l), as, RESOLVE_TIMEOUT_MS, on_resolved, l);
}

/* The link moves to another server: the path to watch is the one to that server. */
void link_unwatch_path(struct link *l)
{
	resolve_cancel(l->path.resolving);
	l->path.resolving = NULL;
	netwatch_free(l->path.watch);
	l->path.watch = NULL;
	l->path.addr = (struct net_addr){0};
}
