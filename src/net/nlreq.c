#include "net/nlreq.h"

#include <errno.h>
#include <stdarg.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "lib/err.h"
#include "lib/log.h"

struct nlreq {
	struct nl_sock *sk;
	int kerr;
	char kmsg[128];
};

static int on_nl_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct nlreq *nl = arg;
	/* libnl hands over the payload of an NLMSG_ERROR message; its header precedes it. */
	const struct nlmsghdr *h = (const void *)((const char *)e - NLMSG_HDRLEN);

	(void)who;
	nl->kerr = -e->error;
	nl->kmsg[0] = '\0';
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
		snprintf(nl->kmsg, sizeof(nl->kmsg), "%.*s", nla_len(msg),
		         (const char *)nla_data(msg));
	return NL_STOP; /* and libnl returns its usual NLE_* code */
}

static int connect_socket(struct nlreq *nl, const char *label)
{
	int one = 1;
	int err = nl_connect(nl->sk, NETLINK_ROUTE);

	if (err < 0) {
		log_error("%s: cannot open a netlink socket: %s", label, nl_geterror(err));
		return -1;
	}
	/* Acks are small and nothing is dumped on this socket: no need for libnl to peek at
	 * each message's size first, which costs a second recvmsg per route. */
	nl_socket_disable_msg_peek(nl->sk);
	/* Best effort: kernels without extended acks still give the errno. */
	int fd = nl_socket_get_fd(nl->sk);
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	err = nl_socket_modify_err_cb(nl->sk, NL_CB_CUSTOM, on_nl_error, nl);
	if (err < 0) {
		log_error("%s: cannot set up the netlink socket: %s", label, nl_geterror(err));
		return -1;
	}
	return 0;
}

struct nlreq *nlreq_open(const char *label)
{
	struct nlreq *nl = calloc(1, sizeof(*nl));

	if (!nl || !(nl->sk = nl_socket_alloc())) {
		log_error("%s: cannot open a netlink socket: out of memory", label);
		free(nl);
		return NULL;
	}
	if (connect_socket(nl, label) < 0) {
		nlreq_close(nl);
		return NULL;
	}
	return nl;
}

void nlreq_close(struct nlreq *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

struct nl_sock *nlreq_sock(struct nlreq *nl)
{
	return nl->sk;
}

void nlreq_begin(struct nlreq *nl)
{
	nl->kerr = 0;
	nl->kmsg[0] = '\0';
}

int nlreq_kerr(const struct nlreq *nl)
{
	return nl->kerr;
}

const char *nlreq_reason(const struct nlreq *nl, int nlerr, char *buf, size_t len)
{
	const char *lib = nl_geterror(nlerr);

	if (nl->kerr == 0)
		return lib;
	const char *sys = strerror(nl->kerr);
	bool same = strcmp(sys, lib) == 0;
	snprintf(buf, len, "%s%s%s%s%s%s", sys, nl->kmsg[0] ? ": " : "", nl->kmsg,
	         same ? "" : " (libnl: ", same ? "" : lib, same ? "" : ")");
	return buf;
}

struct err *nlreq_err(const struct nlreq *nl, int nlerr, struct err *e, const char *where,
                      const char *fix, const char *fmt, ...)
{
	char what[ERR_WHAT_MAX], why[ERR_CAUSE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	err_set(e, where, fix, "%s", what);
	return err_cause(e, nl->kerr ? nl->kerr : nlerr, nlreq_reason(nl, nlerr, why, sizeof(why)));
}

bool nlreq_gone(const struct nlreq *nl, int nlerr)
{
	return nlerr == -NLE_OBJ_NOTFOUND || nlerr == -NLE_NODEV || nl->kerr == ESRCH ||
	       nl->kerr == ENODEV || nl->kerr == ENOENT || nl->kerr == EADDRNOTAVAIL;
}

/* if_nametoindex, on the socket we hold: netdevice(7) ioctls work on any socket, and
 * if_nametoindex would open and close one per route. */
unsigned nlreq_ifindex(const struct nlreq *nl, const char *name)
{
	struct ifreq ifr = {0};

	if (strlen(name) >= sizeof(ifr.ifr_name))
		return 0;
	strcpy(ifr.ifr_name, name);
	if (ioctl(nl_socket_get_fd(nl->sk), SIOCGIFINDEX, &ifr) < 0)
		return 0;
	return (unsigned)ifr.ifr_ifindex;
}
