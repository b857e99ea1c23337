/* What a link tells about itself: the status line (SIGUSR1), the daemon's status record,
 * the last failure, and the observer of its state. */
#include <stdio.h>
#include <time.h>

#include "conf/config.h"
#include "lib/err.h"
#include "lib/log.h"
#include "link/forward.h"
#include "link/health.h"
#include "link/link_priv.h"
#include "net/netwatch.h"

double link_seconds_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

void link_log_status(const struct link *l)
{
	char uptime[32] = "-";
	if (l->state == LINK_UP)
		snprintf(uptime, sizeof(uptime), "%.0f s",
		         link_seconds_since(&l->attempt.up_since));
	if (link_blocked(l))
		log_info("%s: status: blocked: link down, traffic held; 'sshdial unlock %s' lets "
		         "it out",
		         peer_name(l->peer), peer_name(l->peer));
	char server[300] = "";
	if (link_server(l))
		snprintf(server, sizeof(server), ", server %s", link_server(l));
	/* As status says it: what carries the link's frames, while up. */
	char transport[32] = "";
	if (l->state == LINK_UP && peer_link(l->peer))
		snprintf(transport, sizeof(transport), ", transport %s",
		         dial_transport_name(l->transport.frames));
	/* The peer is named first: the failure without its where. */
	struct err last = l->last.err;
	char failure[ERR_LINE_MAX] = "none";
	last.where[0] = '\0';
	if (err_is_set(&last))
		err_format(&last, failure, sizeof(failure));
	log_info("%s: status: state %s%s%s, attempts %u, uptime %s, last failure: %s",
	         peer_name(l->peer), link_state_name(l->state), server, transport, l->attempts,
	         uptime, failure);
	forwards_log_status(l->fw);
}

const struct forwards *link_forwards(const struct link *l)
{
	return l->fw;
}

void link_get_info(const struct link *l, struct link_info *out)
{
	bool up = l->state == LINK_UP;
	*out = (struct link_info){.state = l->state,
	                          .attempts = l->attempts,
	                          .uptime_s = up ? link_seconds_since(&l->attempt.up_since) : 0,
	                          .last_failure = err_is_set(&l->last.err) ? &l->last : NULL,
	                          .server = link_server(l),
	                          .rtt_us = up ? health_rtt_us(l->health) : -1};
	if (up && peer_link(l->peer))
		out->transport = dial_transport_name(l->transport.frames);
	if (up) {
		snprintf(out->ifname, sizeof(out->ifname), "%s", l->attempt.ifname);
		snprintf(out->local, sizeof(out->local), "%s", l->attempt.local);
		snprintf(out->remote, sizeof(out->remote), "%s", l->attempt.remote);
	}
	if (l->state == LINK_DIALING)
		out->phase = l->attempt.progress.done & ATTEMPT_IPCP_UP         ? "configuring"
		             : l->attempt.progress.done & ATTEMPT_AUTHENTICATED ? "authenticated"
		                                                                : "authenticating";
	if (l->state == LINK_BACKOFF) {
		out->retrying = true;
		out->next_retry_s = -link_seconds_since(&l->retry_at);
		if (out->next_retry_s < 0)
			out->next_retry_s = 0;
	}
	if (peer_route_all(l->peer) && peer_kill_switch(l->peer)) {
		out->kill_switch_always = peer_lockdown(l->peer);
		out->kill_switch = l->route_all.unlocked  ? "unlocked"
		                   : up                   ? "in_force"
		                   : l->route_all.blocked ? "holding"
		                                          : "off";
	}
	if (l->path.watch) {
		out->route = *netwatch_path(l->path.watch);
		net_path_format(&out->route, out->path, sizeof(out->path));
	}
}
