#include "net/nlmon.h"

#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include "lib/log.h"

/* One burst is read in at most this many datagrams; the rest waits for the next turn of
 * the loop, so that a flood of events cannot starve the other descriptors. */
#define NLMON_READS_PER_TURN 64

struct nlmon_sub {
	struct nlmon_sub *next;
	nlmon_fn fn;
	void *arg;
	bool gone; /* unsubscribed during a dispatch: freed after it */
};

/* The one instance of the process: sharing it is this module's reason to exist.  Only
 * the verbs below reach it. */
static struct {
	struct event_loop *loop;
	struct nl_sock *mon;
	struct nl_sock *nft; /* nftables' events (NLMON_NFT); NULL where the kernel has none */
	struct nl_sock *req;
	struct nlmon_sub *subs;
	unsigned requesters; /* live subscriptions */
	unsigned watchers;   /* live subscriptions with a callback */
	unsigned seen;       /* kinds read in the current burst */
	bool dispatching;
} the;

static unsigned kind_of(int type)
{
	switch (type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return NLMON_LINK;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		return NLMON_ADDR;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		return NLMON_ROUTE;
	case RTM_NEWRULE:
	case RTM_DELRULE:
		return NLMON_RULE;
	default:
		return 0;
	}
}

static int note_message(struct nl_msg *msg, void *arg)
{
	(void)arg;
	the.seen |= kind_of(nlmsg_hdr(msg)->nlmsg_type);
	return NL_OK;
}

/* Every message of the nftables group is a change of some table. */
static int note_nft(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	the.seen |= NLMON_NFT;
	return NL_OK;
}

static void close_socket(struct nl_sock **sk)
{
	if (!*sk)
		return;
	if (nl_socket_get_fd(*sk) >= 0)
		event_fd_del(the.loop, nl_socket_get_fd(*sk));
	nl_socket_free(*sk);
	*sk = NULL;
}

static void close_monitor(void)
{
	close_socket(&the.mon);
	close_socket(&the.nft);
}

/* Frees what no live subscription needs any more; never while subscribers are called. */
static void sweep(void)
{
	if (the.dispatching)
		return;
	for (struct nlmon_sub **p = &the.subs; *p;) {
		struct nlmon_sub *s = *p;
		if (s->gone) {
			*p = s->next;
			free(s);
		} else {
			p = &s->next;
		}
	}
	if (!the.watchers)
		close_monitor();
	if (!the.requesters && the.req) {
		nl_socket_free(the.req);
		the.req = NULL;
	}
	if (!the.requesters)
		the.loop = NULL;
}

static void dispatch(unsigned what)
{
	the.dispatching = true;
	for (struct nlmon_sub *s = the.subs; s; s = s->next)
		if (!s->gone && s->fn)
			s->fn(s->arg, what);
	the.dispatching = false;
	sweep();
}

static void on_readable(void *arg, int fd, uint32_t events)
{
	struct nl_sock *sk = *(struct nl_sock **)arg;
	(void)fd;
	(void)events;
	/* nl_recvmsgs_default says 0 both for "read some" and for "nothing left" on a
	 * non-blocking socket; the report form counts the messages, so the burst ends when
	 * a read finds none. */
	struct nl_cb *cb = nl_socket_get_cb(sk);
	the.seen = 0;
	for (int i = 0; i < NLMON_READS_PER_TURN; i++) {
		int n = nl_recvmsgs_report(sk, cb);
		if (n == -NLE_NOMEM) {
			the.seen |= NLMON_LOST; /* ENOBUFS: events were dropped */
			continue;
		}
		if (n < 0 && n != -NLE_AGAIN)
			log_debug("netlink monitor: %s", nl_geterror(n));
		if (n <= 0)
			break;
	}
	nl_cb_put(cb);
	if (the.seen)
		dispatch(the.seen);
}

/* nftables' events (route-all's guard is put back when someone deletes it): a kernel
 * without nf_tables has none to send, which is no error, only logged. */
static void open_nft_monitor(const char *label)
{
	int err;
	the.nft = nl_socket_alloc();
	if (!the.nft)
		return;
	nl_socket_disable_seq_check(the.nft);
	nl_socket_modify_cb(the.nft, NL_CB_VALID, NL_CB_CUSTOM, note_nft, NULL);
	if ((err = nl_connect(the.nft, NETLINK_NETFILTER)) < 0 ||
	    (err = nl_socket_add_memberships(the.nft, NFNLGRP_NFTABLES, 0)) < 0 ||
	    (err = nl_socket_set_buffer_size(the.nft, 1 << 18, 0)) < 0 ||
	    (err = nl_socket_set_nonblocking(the.nft)) < 0 ||
	    (err = event_fd_add(the.loop, nl_socket_get_fd(the.nft), EPOLLIN, on_readable,
	                        &the.nft) < 0
	               ? -NLE_FAILURE
	               : 0) < 0) {
		log_debug("%s: no nftables events (%s): a deleted guard is put back at the next "
		          "rule or route event",
		          label, nl_geterror(err));
		nl_socket_free(the.nft);
		the.nft = NULL;
	}
}

/* As design.md says of libnl: no sequence checks (events are unsolicited), a separate
 * socket from requests, and a large buffer against bursts. */
static int open_monitor(const char *label)
{
	int err;
	the.mon = nl_socket_alloc();
	if (!the.mon) {
		log_error("%s: cannot open the netlink monitor: out of memory", label);
		return -1;
	}
	nl_socket_disable_seq_check(the.mon);
	nl_socket_modify_cb(the.mon, NL_CB_VALID, NL_CB_CUSTOM, note_message, NULL);
	if ((err = nl_connect(the.mon, NETLINK_ROUTE)) < 0 ||
	    (err = nl_socket_add_memberships(the.mon, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
	                                     RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_IFADDR,
	                                     RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV4_RULE,
	                                     RTNLGRP_IPV6_RULE, 0)) < 0 ||
	    (err = nl_socket_set_buffer_size(the.mon, 1 << 20, 0)) < 0 ||
	    (err = nl_socket_set_nonblocking(the.mon)) < 0) {
		log_error("%s: cannot open the netlink monitor: %s", label, nl_geterror(err));
		close_monitor();
		return -1;
	}
	if (event_fd_add(the.loop, nl_socket_get_fd(the.mon), EPOLLIN, on_readable, &the.mon) < 0) {
		close_monitor();
		return -1;
	}
	open_nft_monitor(label);
	return 0;
}

static int open_request(const char *label)
{
	the.req = nl_socket_alloc();
	if (!the.req) {
		log_error("%s: cannot open a netlink socket: out of memory", label);
		return -1;
	}
	int err = nl_connect(the.req, NETLINK_ROUTE);
	if (err < 0) {
		log_error("%s: cannot open a netlink socket: %s", label, nl_geterror(err));
		nl_socket_free(the.req);
		the.req = NULL;
		return -1;
	}
	return 0;
}

struct nlmon_sub *nlmon_subscribe(struct event_loop *loop, const char *label, nlmon_fn fn,
                                  void *arg)
{
	if (the.loop && the.loop != loop) {
		log_error("%s: the netlink monitor belongs to another event loop", label);
		return NULL;
	}
	the.loop = loop;
	struct nlmon_sub *s = calloc(1, sizeof(*s));
	if (!s || (!the.req && open_request(label) < 0) ||
	    (fn && !the.mon && open_monitor(label) < 0)) {
		free(s);
		sweep();
		return NULL;
	}
	*s = (struct nlmon_sub){.next = the.subs, .fn = fn, .arg = arg};
	the.subs = s;
	the.requesters++;
	if (fn)
		the.watchers++;
	return s;
}

struct nl_sock *nlmon_request_socket(const struct nlmon_sub *sub)
{
	(void)sub; /* a subscription proves the socket is open */
	return the.req;
}

void nlmon_unsubscribe(struct nlmon_sub *sub)
{
	if (!sub || sub->gone)
		return;
	sub->gone = true;
	the.requesters--;
	if (sub->fn)
		the.watchers--;
	sweep();
}

bool nlmon_reports_nft(void)
{
	return the.nft != NULL;
}

void nlmon_counts(unsigned *monitors, unsigned *requests)
{
	*monitors = the.mon ? 1 : 0;
	*requests = the.req ? 1 : 0;
}
