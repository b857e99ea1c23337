/* One RTM_GETROUTE request on a socket of its own, answered at once by the kernel: a route
 * (RTM_NEWROUTE with the outgoing interface, gateway and preferred source) or an error (an
 * unreachable route or rule, no route at all). */
#include "net/routeq.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* Room for the header, the rtmsg and four small attributes. */
#define REQUEST_MAX 256

static void put_attr(struct nlmsghdr *h, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static void set_addr(struct net_addr *out, int family, const struct rtattr *a)
{
	net_addr_set(out, family, RTA_DATA(a), RTA_PAYLOAD(a));
}

static void read_route(const struct nlmsghdr *h, struct routeq_answer *a)
{
	const struct rtmsg *r = NLMSG_DATA(h);
	int len = (int)RTM_PAYLOAD(h);

	a->path.family = r->rtm_family;
	for (const struct rtattr *at = RTM_RTA(r); RTA_OK(at, len); at = RTA_NEXT(at, len)) {
		if (at->rta_type == RTA_OIF && RTA_PAYLOAD(at) == sizeof(int))
			memcpy(&a->path.ifindex, RTA_DATA(at), sizeof(int));
		else if (at->rta_type == RTA_GATEWAY)
			set_addr(&a->path.gateway, r->rtm_family, at);
		else if (at->rta_type == RTA_PREFSRC)
			set_addr(&a->path.source, r->rtm_family, at);
	}
	if (a->path.ifindex <= 0 || !if_indextoname((unsigned)a->path.ifindex, a->path.ifname))
		a->path.ifname[0] = '\0';
}

int routeq_lookup(const struct routeq *q, struct routeq_answer *a)
{
	struct nlmsghdr req[REQUEST_MAX / sizeof(struct nlmsghdr)] = {
	    {.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)),
	     .nlmsg_type = RTM_GETROUTE,
	     .nlmsg_flags = NLM_F_REQUEST,
	     .nlmsg_seq = 1}};
	struct nlmsghdr reply[8192 / sizeof(struct nlmsghdr)];
	struct rtmsg *rtm = NLMSG_DATA(req);
	size_t alen = q->dst.family == AF_INET ? 4 : 16;

	memset(a, 0, sizeof(*a));
	if (q->dst.family != AF_INET && q->dst.family != AF_INET6) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	rtm->rtm_family = (unsigned char)q->dst.family;
	rtm->rtm_dst_len = (unsigned char)(alen * 8);
	put_attr(req, RTA_DST, &q->dst.u, alen);
	if (q->has_uid)
		put_attr(req, RTA_UID, &q->uid, sizeof(q->uid));
	if (q->ipproto)
		put_attr(req, RTA_IP_PROTO, &q->ipproto, sizeof(q->ipproto));
	if (q->dport) {
		uint16_t port = htons(q->dport);
		put_attr(req, RTA_DPORT, &port, sizeof(port));
	}
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	ssize_t n = sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel));
	if (n >= 0)
		do
			n = recv(fd, reply, sizeof(reply), 0);
		while (n < 0 && errno == EINTR);
	int saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved;
		return -1;
	}
	if (!NLMSG_OK(reply, (unsigned)n)) {
		errno = EPROTO;
		return -1;
	}
	if (reply->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(reply);
		a->err = -e->error;
		if (a->err == 0) {
			errno = EPROTO;
			return -1;
		}
		return 0;
	}
	if (reply->nlmsg_type != RTM_NEWROUTE) {
		errno = EPROTO;
		return -1;
	}
	read_route(reply, a);
	return 0;
}
