/* pppd's hook events for one link: ip-up (its routes, route-all, DNS, then up with the
 * health probe) and ip-down (its changes undone), accepted only from this link's pppd.
 * Part of the link's state machine (link_priv.h). */
#include "link/link.h"
#include "link/link_priv.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/cidr.h"
#include "lib/child.h"
#include "lib/err.h"
#include "lib/log.h"
#include "link/dial.h"
#include "link/dial_driver.h"
#include "link/failure.h"
#include "link/forward.h"
#include "link/health.h"
#include "netconf/dns.h"
#include "netconf/netconf.h"
#include "frames/ppp_queue.h"

/* dns yes: the server's DNS servers become the system's for the attempt, replacing the
 * others.  Failing that, the link goes down rather than up with the old resolvers. */
static int link_dns(struct link *l, const struct hook_event *ev, struct err *e)
{
	const char *servers[2];
	size_t n = 0;

	if (!peer_dns(l->peer))
		return 0;
	if (ev->dns1[0])
		servers[n++] = ev->dns1;
	if (ev->dns2[0] && strcmp(ev->dns2, ev->dns1) != 0)
		servers[n++] = ev->dns2;
	if (n == 0) {
		log_warn("%s: dns yes, but the server offered no DNS servers (its pppd's ms-dns); "
		         "the resolver is left as it is",
		         peer_name(l->peer));
		return 0;
	}
	if (dns_apply(l->nc, JOURNAL_ATTEMPT, peer_name(l->peer), ev->ifname, servers, n,
	              peer_route_all(l->peer), &l->attempt.dns_backend) == 0) {
		l->attempt.dns_set = true;
		log_info("%s: DNS: %s %s%s%s through %s", peer_name(l->peer),
		         dns_backend_where(l->attempt.dns_backend), servers[0], n > 1 ? " " : "",
		         n > 1 ? servers[1] : "", ev->ifname);
		return 0;
	}
	failure_set(&l->failure, FAILURE_SYSTEM,
	            "cannot set the DNS servers through %s (see above); the link was taken down "
	            "rather than left with the old resolvers",
	            dns_backend_where(l->attempt.dns_backend));
	err_set(e, NULL, NULL, "cannot set DNS");
	link_undo_network(l, false);
	link_hang_up(l);
	return -1;
}

bool link_if_dropped(const char *ifname)
{
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return if_nametoindex(ifname) == 0;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	bool dropped =
	    ioctl(fd, SIOCGIFFLAGS, &ifr) < 0 ? errno == ENODEV : !(ifr.ifr_flags & IFF_UP);
	close(fd);
	return dropped;
}

static int link_ip_up(struct link *l, const struct hook_event *ev, struct err *e)
{
	if (l->state != LINK_DIALING) {
		err_set(e, NULL, NULL, "ip-up while %s", link_state_name(l->state));
		return -1;
	}
	l->attempt.came_up = true; /* ssh had logged in and the server's pppd had started */
	snprintf(l->attempt.ifname, sizeof(l->attempt.ifname), "%s", ev->ifname);
	snprintf(l->attempt.local, sizeof(l->attempt.local), "%s", ev->local);
	snprintf(l->attempt.remote, sizeof(l->attempt.remote), "%s", ev->remote);
	if (peer_ipv6(l->peer) && link_ipv6_up(l, ev->ifname, ev->local, e) < 0) {
		link_undo_network(l, false);
		link_hang_up(l);
		return -1;
	}
	size_t n = peer_route_count(l->peer);
	for (size_t i = 0; i < n; i++) {
		if (netconf_route_add(l->nc, ev->ifname, peer_route(l->peer, i)) < 0) {
			char dst[CIDR_STRLEN];
			cidr_format(peer_route(l->peer, i), dst, sizeof(dst));
			/* An interface gone or down already (the link dropped while the event
			 * waited) is a dropped link, not a route that cannot be: dial again. */
			if (link_if_dropped(ev->ifname))
				failure_set(&l->failure, FAILURE_TRANSIENT,
				            "%s went down before route %s could be added",
				            ev->ifname, dst);
			else
				failure_set(
				    &l->failure, FAILURE_CONFIG,
				    "cannot add route %s via %s (see above); the link was taken "
				    "down rather than left half-configured",
				    dst, ev->ifname);
			err_set(e, NULL, NULL, "cannot add route %s", dst);
			link_undo_network(l, false);
			link_hang_up(l);
			return -1;
		}
	}
	if (peer_route_all(l->peer) && link_route_all_up(l, ev->ifname, e) < 0) {
		link_undo_network(l, false);
		link_hang_up(l);
		return -1;
	}
	if (link_dns(l, ev, e) < 0)
		return -1;
	/* Best effort: without it the link only carries less (ppp_queue.h says why). */
	(void)ppp_queue_setup(peer_name(l->peer), ev->ifname);
	link_went_up(l, ev->ifname, ev->remote);
	log_info("%s: up after %.1f s: %s %s peer %s, %zu route%s", peer_name(l->peer),
	         link_seconds_since(&l->attempt.dial_started), ev->ifname, ev->local, ev->remote, n,
	         n == 1 ? "" : "s");
	if (peer_route_all(l->peer))
		log_info("%s: route-all in force through %s, %.1f s after start",
		         peer_name(l->peer), ev->ifname, link_seconds_since(&l->started));
	if (ev->dns1[0] && !l->attempt.dns_set)
		log_info("%s: the server offers DNS %s %s", peer_name(l->peer), ev->dns1, ev->dns2);
	if (l->fw) /* on the same ssh connection, beside the link */
		forwards_start(l->fw);
	link_scripts_up(l, ev);
	return 0;
}

int link_hook_event(struct link *l, const struct hook_event *ev, pid_t sender, struct err *e)
{
	pid_t pppd = l->dial ? link_dial_driver()->pid(l->dial, DIAL_PPPD) : -1;
	if (strcmp(ev->peer, peer_name(l->peer)) != 0) {
		log_warn("%s: dropped an %s event for peer '%s' from pid %d", peer_name(l->peer),
		         hook_kind_name(ev->kind), ev->peer, (int)sender);
		err_set(e, NULL, NULL, "this sshdial dials '%s', not '%s'", peer_name(l->peer),
		        ev->peer);
		return -1;
	}
	/* From root (control.c): only pppd's hooks must be this link's pppd. */
	if (ev->kind == HOOK_UNLOCK)
		return link_unlock(l, e);
	/* pppd runs its scripts as direct children: anything else is not this link's pppd. */
	if (pppd < 0 || process_parent(sender) != pppd) {
		log_warn("%s: dropped an %s event for %s from pid %d: it was not started by this "
		         "link's pppd",
		         peer_name(l->peer), hook_kind_name(ev->kind), ev->ifname, (int)sender);
		err_set(e, NULL, NULL, "not from this link's pppd");
		return -1;
	}
	if (ev->kind == HOOK_IP_UP)
		return link_ip_up(l, ev, e);
	log_info("%s: %s down", peer_name(l->peer), ev->ifname);
	health_stop(l->health);
	l->health = NULL;
	link_undo_network(l, false);
	link_scripts_down(l);
	if (l->state == LINK_UP)
		link_set_state(l, LINK_CLOSING);
	return 0;
}
