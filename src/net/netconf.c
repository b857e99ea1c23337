#include "net/netconf.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>

#include "net/journal.h"
#include "lib/log.h"

struct netconf {
	char *label;
	struct nl_sock *sk;
	struct journal *journal;
	struct journal_entry *applied; /* oldest first, each also a line of the journal */
	size_t n, cap;
	/* The kernel's own answer to the last request: libnl folds errno values it does not
	 * know into "Unspecific failure", and drops the extended-ack text altogether. */
	int kerr;
	char kmsg[128];
};

enum undo_result { UNDO_REMOVED, UNDO_GONE, UNDO_FAILED };

/* if_nametoindex, on the socket we hold: netdevice(7) ioctls work on any socket, and
 * if_nametoindex would open and close one per route.  0 if there is no such interface. */
static unsigned ifindex_of(const struct netconf *nc, const char *name)
{
	struct ifreq ifr = {0};

	if (strlen(name) >= sizeof(ifr.ifr_name))
		return 0;
	strcpy(ifr.ifr_name, name);
	if (ioctl(nl_socket_get_fd(nc->sk), SIOCGIFINDEX, &ifr) < 0)
		return 0;
	return (unsigned)ifr.ifr_ifindex;
}

static int on_nl_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct netconf *nc = arg;
	/* libnl hands over the payload of an NLMSG_ERROR message; its header precedes it. */
	const struct nlmsghdr *h = (const void *)((const char *)e - NLMSG_HDRLEN);

	(void)who;
	nc->kerr = -e->error;
	nc->kmsg[0] = '\0';
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	size_t off = sizeof(*e);
	if (!(h->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len >= NLMSG_HDRLEN)
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	size_t total = h->nlmsg_len - NLMSG_HDRLEN;
	if (off >= total)
		return NL_STOP;
	struct nlattr *msg =
	    nla_find((struct nlattr *)((char *)e + off), (int)(total - off), NLMSGERR_ATTR_MSG);
	if (msg)
		snprintf(nc->kmsg, sizeof(nc->kmsg), "%.*s", nla_len(msg),
		         (const char *)nla_data(msg));
	return NL_STOP; /* and libnl returns its usual NLE_* code */
}

static void request_begin(struct netconf *nc)
{
	nc->kerr = 0;
	nc->kmsg[0] = '\0';
}

/* "Network is down: Nexthop device is not up (libnl: Unspecific failure)": the kernel's errno
 * and extended-ack text when it gave them, and libnl's name for the error. */
static const char *reason(const struct netconf *nc, int nlerr, char *buf, size_t len)
{
	const char *lib = nl_geterror(nlerr);

	if (nc->kerr == 0)
		return lib;
	const char *sys = strerror(nc->kerr);
	bool same = strcmp(sys, lib) == 0;
	snprintf(buf, len, "%s%s%s%s%s%s", sys, nc->kmsg[0] ? ": " : "", nc->kmsg,
	         same ? "" : " (libnl: ", same ? "" : lib, same ? "" : ")");
	return buf;
}

/* What a user can do about the usual failures of adding a route. */
static const char *add_hint(int kerr)
{
	switch (kerr) {
	case EEXIST:
		return "; a route to this network is in the main table already (ip route show)";
	case EPERM:
	case EACCES:
		return "; changing routes needs root or CAP_NET_ADMIN";
	default:
		return "";
	}
}

/* A route as sshdial adds it: main table, link scope, protocol static, no gateway.  The same
 * template deletes it: the kernel then matches protocol and (IPv4) scope as well, so a route
 * to the same network that someone else added is left alone. */
static struct rtnl_route *route_new(const struct journal_entry *e)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst =
	    nl_addr_build(e->dst.family, e->dst.addr, e->dst.family == AF_INET6 ? 16 : 4);

	if (!r || !nh || !dst) {
		rtnl_route_put(r);
		rtnl_route_nh_free(nh);
		nl_addr_put(dst);
		return NULL;
	}
	nl_addr_set_prefixlen(dst, (int)e->dst.prefixlen);
	rtnl_route_set_family(r, (uint8_t)e->dst.family);
	rtnl_route_set_table(r, RT_TABLE_MAIN);
	rtnl_route_set_scope(r, RT_SCOPE_LINK);
	rtnl_route_set_protocol(r, RTPROT_STATIC);
	rtnl_route_set_type(r, RTN_UNICAST);
	int err = rtnl_route_set_dst(r, dst);
	nl_addr_put(dst);
	rtnl_route_nh_set_ifindex(nh, (int)e->ifindex);
	rtnl_route_add_nexthop(r, nh);
	if (err < 0) {
		rtnl_route_put(r);
		return NULL;
	}
	return r;
}

static enum undo_result undo_route(struct netconf *nc, const struct journal_entry *e)
{
	char dst[CIDR_STRLEN], why[256];

	cidr_format(&e->dst, dst, sizeof(dst));
	/* The kernel drops a device's routes with the device (pppd exited); a device of the same
	 * name with another index is a later link's, and its routes are not ours to remove. */
	if (ifindex_of(nc, e->ifname) != e->ifindex) {
		log_debug("%s: route %s dev %s: already gone with its interface", nc->label, dst,
		          e->ifname);
		return UNDO_GONE;
	}
	struct rtnl_route *r = route_new(e);
	if (!r) {
		log_error("%s: cannot remove route %s dev %s: out of memory", nc->label, dst,
		          e->ifname);
		return UNDO_FAILED;
	}
	request_begin(nc);
	int err = rtnl_route_delete(nc->sk, r, 0);
	rtnl_route_put(r);
	if (err >= 0)
		return UNDO_REMOVED;
	if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV || nc->kerr == ESRCH ||
	    nc->kerr == ENODEV) {
		log_debug("%s: route %s dev %s: already gone", nc->label, dst, e->ifname);
		return UNDO_GONE;
	}
	log_error("%s: cannot remove route %s dev %s: %s", nc->label, dst, e->ifname,
	          reason(nc, err, why, sizeof(why)));
	return UNDO_FAILED;
}

static int reserve(struct netconf *nc, size_t more)
{
	if (nc->n + more <= nc->cap)
		return 0;
	size_t cap = nc->cap ? nc->cap : 16;
	while (cap < nc->n + more)
		cap *= 2;
	struct journal_entry *v = realloc(nc->applied, cap * sizeof(*v));
	if (!v)
		return -1;
	nc->applied = v;
	nc->cap = cap;
	return 0;
}

/* Undoes applied[0..n) newest first; keeps, in order, those that could not be undone. */
static int undo_entries(struct netconf *nc, bool stale)
{
	size_t keep = nc->n;
	int failed = 0;

	for (size_t i = nc->n; i-- > 0;) {
		const struct journal_entry *e = &nc->applied[i];
		enum undo_result res = undo_route(nc, e);
		if (res == UNDO_REMOVED && stale) {
			char dst[CIDR_STRLEN];
			cidr_format(&e->dst, dst, sizeof(dst));
			log_info("%s: removed route %s dev %s left by an earlier run", nc->label,
			         dst, e->ifname);
		}
		if (res == UNDO_FAILED) {
			failed++;
			nc->applied[--keep] = *e; /* keep > i: never overwrites an entry not seen */
		}
	}
	memmove(nc->applied, nc->applied + keep, (nc->n - keep) * sizeof(*nc->applied));
	nc->n -= keep;
	/* Unless everything went, the journal stays as it is: a superset of what is still
	 * applied, and undoing a line whose change is gone finds nothing. */
	if (nc->n == 0 && journal_clear(nc->journal) < 0)
		log_warn("%s: cannot empty journal %s: %s", nc->label, journal_path(nc->journal),
		         strerror(errno));
	return failed;
}

static int open_socket(struct netconf *nc)
{
	int one = 1;

	nc->sk = nl_socket_alloc();
	if (!nc->sk) {
		log_error("%s: cannot open a netlink socket: out of memory", nc->label);
		return -1;
	}
	int err = nl_connect(nc->sk, NETLINK_ROUTE);
	if (err < 0) {
		log_error("%s: cannot open a netlink socket: %s", nc->label, nl_geterror(err));
		return -1;
	}
	/* Acks are small and nothing is dumped on this socket: no need for libnl to peek at
	 * each message's size first, which costs a second recvmsg per route. */
	nl_socket_disable_msg_peek(nc->sk);
	/* Best effort: kernels without extended acks still give the errno. */
	int fd = nl_socket_get_fd(nc->sk);
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	err = nl_socket_modify_err_cb(nc->sk, NL_CB_CUSTOM, on_nl_error, nc);
	if (err < 0) {
		log_error("%s: cannot set up the netlink socket: %s", nc->label, nl_geterror(err));
		return -1;
	}
	return 0;
}

static int open_journal(struct netconf *nc, const char *path)
{
	struct journal_entry *stale;
	size_t nstale;

	nc->journal = journal_open(path, &stale, &nstale);
	if (!nc->journal) {
		if (errno == EWOULDBLOCK)
			log_error("%s: journal %s is held by another sshdial process for this "
			          "peer; is the peer up already?",
			          nc->label, path);
		else
			log_error("%s: cannot open journal %s: %s", nc->label, path,
			          strerror(errno));
		return -1;
	}
	if (nstale == 0)
		return 0;
	nc->applied = stale;
	nc->n = nc->cap = nstale;
	log_info("%s: undoing %zu change%s left in %s by an earlier run", nc->label, nstale,
	         nstale == 1 ? "" : "s", path);
	int failed = undo_entries(nc, true);
	if (failed)
		log_warn("%s: %d change%s left by an earlier run could not be undone; will retry "
		         "on close",
		         nc->label, failed, failed == 1 ? "" : "s");
	return 0;
}

struct netconf *netconf_open(const char *label, const char *journal_path)
{
	struct netconf *nc = calloc(1, sizeof(*nc));

	if (!nc || !(nc->label = strdup(label))) {
		log_error("%s: out of memory", label);
		free(nc);
		return NULL;
	}
	if (open_socket(nc) < 0 || open_journal(nc, journal_path) < 0) {
		journal_close(nc->journal, false);
		nl_socket_free(nc->sk);
		free(nc->applied);
		free(nc->label);
		free(nc);
		return NULL;
	}
	return nc;
}

int netconf_route_add(struct netconf *nc, const char *ifname, const struct cidr *dst)
{
	struct journal_entry e = {.kind = JOURNAL_ROUTE, .dst = *dst};
	char dsts[CIDR_STRLEN];

	cidr_format(dst, dsts, sizeof(dsts));
	e.ifindex = ifindex_of(nc, ifname);
	if (e.ifindex == 0) {
		log_error("%s: route %s dev %s: no such interface", nc->label, dsts, ifname);
		return -1;
	}
	strcpy(e.ifname, ifname); /* fits: ifindex_of found it */
	struct rtnl_route *r = route_new(&e);
	if (!r || reserve(nc, 1) < 0) {
		log_error("%s: route %s dev %s: out of memory", nc->label, dsts, ifname);
		rtnl_route_put(r);
		return -1;
	}
	if (journal_append(nc->journal, &e) < 0) {
		log_error("%s: route %s dev %s: cannot record it in journal %s: %s", nc->label,
		          dsts, ifname, journal_path(nc->journal), strerror(errno));
		rtnl_route_put(r);
		return -1;
	}
	request_begin(nc);
	int err = rtnl_route_add(nc->sk, r, NLM_F_EXCL);
	rtnl_route_put(r);
	if (err < 0) {
		char why[256];
		log_error("%s: route %s dev %s: %s%s", nc->label, dsts, ifname,
		          reason(nc, err, why, sizeof(why)), add_hint(nc->kerr));
		if (journal_retract(nc->journal) < 0)
			log_debug("%s: journal %s keeps a line for route %s that was not added: %s",
			          nc->label, journal_path(nc->journal), dsts, strerror(errno));
		return -1;
	}
	nc->applied[nc->n++] = e;
	return 0;
}

int netconf_undo_all(struct netconf *nc)
{
	return undo_entries(nc, false);
}

unsigned netconf_applied(const struct netconf *nc)
{
	return (unsigned)nc->n;
}

void netconf_release(struct netconf *nc)
{
	if (!nc)
		return;
	journal_close(nc->journal, false);
	nl_socket_free(nc->sk);
	free(nc->applied);
	free(nc->label);
	free(nc);
}

void netconf_close(struct netconf *nc)
{
	if (!nc)
		return;
	int failed = undo_entries(nc, false);
	if (failed)
		log_error("%s: %d change%s could not be undone; %s keeps them for the next start",
		          nc->label, failed, failed == 1 ? "" : "s", journal_path(nc->journal));
	journal_close(nc->journal, failed == 0);
	nl_socket_free(nc->sk);
	free(nc->applied);
	free(nc->label);
	free(nc);
}
