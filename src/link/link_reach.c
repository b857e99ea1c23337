/* After a failed attempt, whether the server answers again (link_reach in link_priv.h):
 * a silent path's return gives no event, so a TCP connect to the server's ssh port each
 * second tells it; the first answer after silence dials at once, ending the backoff or
 * the attempt that met the silence.  Part of the link's state machine (link_priv.h). */
#include "link/link_priv.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "lib/log.h"
#include "net/reach.h"

#define REACH_PERIOD_MS 1000
static bool sent_after(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

static unsigned reach_port(const struct link *l)
{
	return peer_server_port_or_default(l->peer, l->path.watched);
}

static void on_reach(void *arg, enum reach_result r, const struct timespec *sent)
{
	struct link *l = arg;
	const char *host = peer_server_host(l->peer, l->path.watched);
	if (r != REACH_ANSWERED) {
		log_debug("%s: %s port %u: %s", peer_name(l->peer), host, reach_port(l),
		          reach_result_name(r));
		l->reach.silence_seen = true;
		if (l->state == LINK_DIALING && sent_after(sent, &l->attempt.dial_started))
			l->reach.silence_in_attempt = true;
		return;
	}
	bool came_back = l->reach.silence_seen;
	bool attempt_met_silence = l->reach.silence_in_attempt;
	link_reach_stop(l);
	if (!came_back || l->stopping) /* the path was not the cause: the backoff stands */
		return;
	if (l->state == LINK_BACKOFF) {
		log_info("%s: %s answers again on port %u; dialing again now", peer_name(l->peer),
		         host, reach_port(l));
		link_dial_again_now(l);
	} else if (l->state == LINK_DIALING && attempt_met_silence) {
		/* This attempt's connect met the silence: it waits in TCP's retransmissions. */
		log_info("%s: %s answers again on port %u; this attempt's connect met the silence: "
		         "dialing again now",
		         peer_name(l->peer), host, reach_port(l));
		failure_set(&l->failure, FAILURE_TRANSIENT,
		            "%s answered again after this attempt's connect met the silence", host);
		l->redial_now = true;
		link_hang_up_now(l);
	} else if (l->state == LINK_CLOSING) {
		l->redial_now = true;
	}
}

void link_reach_start(struct link *l)
{
	if (l->reach.probe || l->stopping || !link_server(l) || peer_jump_count(l->peer) ||
	    !l->path.addr.family || l->path.watched != link_server_index(l))
		return;
	uid_t as = peer_route_all(l->peer) ? (uid_t)l->route_all.policy.uid : REACH_AS_CALLER;
	l->reach.silence_seen = false;
	l->reach.silence_in_attempt = false;
	l->reach.probe = reach_start(l->loop, peer_name(l->peer), &l->path.addr, reach_port(l), as,
	                             REACH_PERIOD_MS, on_reach, l);
}

void link_reach_dialed(struct link *l)
{
	l->reach.silence_in_attempt = false;
}

void link_reach_stop(struct link *l)
{
	reach_free(l->reach.probe);
	l->reach.probe = NULL;
}
