#include "net/netwatch.h"

#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "net/nlmon.h"
#include "net/routeq.h"

/* Route changes come in bursts (an interface going up brings addresses, then routes):
 * look this long after the first event of a burst.  Not after the last: an interface
 * coming up trails IPv6 events (duplicate address detection, router solicitations) for
 * seconds, and a lookup that each of them put off would keep a new default route unseen
 * that long (a roaming link then waited for it). */
#define NETWATCH_SETTLE_MS 200

struct netwatch {
	struct event_loop *loop;
	char label[64];
	struct nlmon_sub *sub;
	struct nl_addr *server;
	struct net_path path;
	netwatch_fn fn;
	void *arg;
	bool has_uid;
	bool settling; /* a lookup is due within NETWATCH_SETTLE_MS */
	uint32_t uid;
	struct net_addr server_addr;
};

static void set_addr(struct net_addr *a, struct nl_addr *from)
{
	if (from)
		net_addr_set(a, nl_addr_get_family(from), nl_addr_get_binary_addr(from),
		             nl_addr_get_len(from));
}

/* Asks the kernel which route a packet to the server would take now. */
static void look_up_path(struct netwatch *w, struct net_path *p)
{
	struct rtnl_route *r = NULL;
	memset(p, 0, sizeof(*p));
	if (w->has_uid) {
		struct routeq q = {.dst = w->server_addr, .has_uid = true, .uid = w->uid};
		struct routeq_answer a;
		if (routeq_lookup(&q, &a) == 0 && a.err == 0)
			*p = a.path;
		return;
	}
	int err = rtnl_route_lookup(nlmon_request_socket(w->sub), w->server, &r);
	if (err < 0 || !r)
		return; /* no route */
	p->family = rtnl_route_get_family(r);
	struct rtnl_nexthop *nh = rtnl_route_nexthop_n(r, 0);
	if (nh) {
		p->ifindex = rtnl_route_nh_get_ifindex(nh);
		set_addr(&p->gateway, rtnl_route_nh_get_gateway(nh));
		if (!if_indextoname((unsigned)p->ifindex, p->ifname))
			p->ifname[0] = 0;
	}
	set_addr(&p->source, rtnl_route_get_pref_src(r));
	rtnl_route_put(r);
}

static void on_settled(void *arg)
{
	struct netwatch *w = arg;
	struct net_path now, before = w->path;
	w->settling = false;
	look_up_path(w, &now);
	if (net_path_equal(&now, &w->path))
		return;
	w->path = now;
	w->fn(w->arg, &before, &now);
}

/* The events only say that something changed; the lookup says what matters.  Lost
 * events (NLMON_LOST) are covered by the same lookup. */
static void on_change(void *arg, unsigned what)
{
	struct netwatch *w = arg;
	if (what == NLMON_NFT)
		return; /* a firewall's change moves no route */
	if (w->settling)
		return; /* the lookup due sees this change too */
	w->settling = true;
	event_timer_set(w->loop, NETWATCH_SETTLE_MS, on_settled, w);
}

struct netwatch *netwatch_start(struct event_loop *loop, const char *label,
                                const struct net_addr *server, netwatch_fn fn, void *arg)
{
	struct netwatch *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	*w = (struct netwatch){.loop = loop, .fn = fn, .arg = arg, .server_addr = *server};
	snprintf(w->label, sizeof(w->label), "%s", label);
	w->server =
	    nl_addr_build(server->family, &server->u,
	                  server->family == AF_INET ? sizeof(server->u.v4) : sizeof(server->u.v6));
	if (!w->server) {
		log_error("%s: cannot watch the route to the server: out of memory", label);
		goto fail;
	}
	w->sub = nlmon_subscribe(loop, label, on_change, w);
	if (!w->sub)
		goto fail;
	look_up_path(w, &w->path);
	return w;
fail:
	netwatch_free(w);
	return NULL;
}

void netwatch_as_uid(struct netwatch *w, uint32_t uid)
{
	w->has_uid = true;
	w->uid = uid;
	look_up_path(w, &w->path);
}

const struct net_path *netwatch_path(const struct netwatch *w)
{
	return &w->path;
}

void netwatch_free(struct netwatch *w)
{
	if (!w)
		return;
	event_timer_cancel_all(w->loop, w);
	nlmon_unsubscribe(w->sub);
	if (w->server)
		nl_addr_put(w->server);
	free(w);
}
