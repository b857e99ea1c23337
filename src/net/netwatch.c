#include "net/netwatch.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "lib/log.h"

/* Route changes come in bursts (an interface going up brings addresses, then routes):
 * look once the burst is over. */
#define NETWATCH_SETTLE_MS 200

struct netwatch {
	struct event_loop *loop;
	char label[64];
	struct nl_sock *mon;
	struct nl_sock *req;
	struct nl_addr *server;
	char path[160];
	netwatch_fn fn;
	void *arg;
};

static void describe_route(struct netwatch *w, char *buf, size_t len)
{
	struct nl_object *obj = NULL;
	int err = rtnl_route_lookup(w->req, w->server, (struct rtnl_route **)&obj);
	if (err < 0 || !obj) {
		snprintf(buf, len, "no route");
		return;
	}
	struct rtnl_route *r = (struct rtnl_route *)obj;
	char ifname[IF_NAMESIZE] = "?", via[64] = "", src[64] = "";
	struct rtnl_nexthop *nh = rtnl_route_nexthop_n(r, 0);
	if (nh) {
		if (!if_indextoname((unsigned)rtnl_route_nh_get_ifindex(nh), ifname))
			snprintf(ifname, sizeof(ifname), "%d", rtnl_route_nh_get_ifindex(nh));
		if (rtnl_route_nh_get_gateway(nh)) {
			char a[INET6_ADDRSTRLEN + 8];
			snprintf(via, sizeof(via), " via %s",
			         nl_addr2str(rtnl_route_nh_get_gateway(nh), a, sizeof(a)));
		}
	}
	if (rtnl_route_get_pref_src(r)) {
		char a[INET6_ADDRSTRLEN + 8];
		snprintf(src, sizeof(src), " src %s",
		         nl_addr2str(rtnl_route_get_pref_src(r), a, sizeof(a)));
	}
	snprintf(buf, len, "dev %s%s%s", ifname, via, src);
	nl_object_put(obj);
}

static void on_settled(void *arg)
{
	struct netwatch *w = arg;
	char now[sizeof(w->path)], before[sizeof(w->path)];
	describe_route(w, now, sizeof(now));
	if (strcmp(now, w->path) == 0)
		return;
	memcpy(before, w->path, sizeof(before));
	memcpy(w->path, now, sizeof(w->path));
	w->fn(w->arg, before, now);
}

static int ignore_message(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static void on_event(void *arg, int fd, uint32_t events)
{
	(void)fd;
	(void)events;
	struct netwatch *w = arg;
	/* The messages only say that something changed; the lookup says what matters.
	 * -NLE_NOMEM means events were lost: the lookup covers that as well. */
	int err = nl_recvmsgs_default(w->mon);
	if (err < 0 && err != -NLE_AGAIN && err != -NLE_NOMEM)
		log_debug("%s: netlink monitor: %s", w->label, nl_geterror(err));
	event_timer_set(w->loop, NETWATCH_SETTLE_MS, on_settled, w);
}

struct netwatch *netwatch_start(struct event_loop *loop, const char *label, const char *server,
                                netwatch_fn fn, void *arg)
{
	struct netwatch *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	*w = (struct netwatch){.loop = loop, .fn = fn, .arg = arg};
	snprintf(w->label, sizeof(w->label), "%s", label);
	int err = nl_addr_parse(server, AF_UNSPEC, &w->server);
	if (err < 0) {
		log_error("%s: cannot watch the route to '%s': %s", label, server,
		          nl_geterror(err));
		goto fail;
	}
	w->req = nl_socket_alloc();
	w->mon = nl_socket_alloc();
	if (!w->req || !w->mon || (err = nl_connect(w->req, NETLINK_ROUTE)) < 0)
		goto nlfail;
	nl_socket_disable_seq_check(w->mon);
	nl_socket_modify_cb(w->mon, NL_CB_VALID, NL_CB_CUSTOM, ignore_message, NULL);
	if ((err = nl_connect(w->mon, NETLINK_ROUTE)) < 0 ||
	    (err = nl_socket_add_memberships(w->mon, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
	                                     RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_IFADDR,
	                                     RTNLGRP_IPV6_ROUTE, 0)) < 0 ||
	    (err = nl_socket_set_buffer_size(w->mon, 1 << 20, 0)) < 0 ||
	    (err = nl_socket_set_nonblocking(w->mon)) < 0)
		goto nlfail;
	describe_route(w, w->path, sizeof(w->path));
	if (event_fd_add(loop, nl_socket_get_fd(w->mon), EPOLLIN, on_event, w) < 0)
		goto fail;
	return w;
nlfail:
	log_error("%s: cannot open the netlink monitor: %s", label, nl_geterror(err));
fail:
	netwatch_free(w);
	return NULL;
}

const char *netwatch_path(const struct netwatch *w)
{
	return w->path;
}

void netwatch_free(struct netwatch *w)
{
	if (!w)
		return;
	event_timer_cancel_all(w->loop, w);
	if (w->mon) {
		if (nl_socket_get_fd(w->mon) >= 0)
			event_fd_del(w->loop, nl_socket_get_fd(w->mon));
		nl_socket_free(w->mon);
	}
	if (w->req)
		nl_socket_free(w->req);
	if (w->server)
		nl_addr_put(w->server);
	free(w);
}
