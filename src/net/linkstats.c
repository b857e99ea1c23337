#include "net/linkstats.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "lib/log.h"

/* A dump buffer the kernel fills in one receive (it sizes a dump's messages to the
 * largest receive seen, up to 32 KiB). */
#define BUF_SIZE 65536

struct linkstats {
	char label[64];
};

struct counter {
	int ifindex;
	uint64_t rx;
};

static struct {
	int fd;
	unsigned users;
	uint32_t seq;
	bool valid;
	uint64_t dumped_ms;
	struct counter *c;
	size_t n, cap;
	unsigned dumps;
	void *buf;
} the = {.fd = -1};

int linkstats_parse(const void *buf, size_t len, uint32_t seq, linkstats_fn fn, void *arg,
                    const char **why)
{
	if (len > BUF_SIZE) {
		*why = "a stats dump message larger than the buffer";
		return -1;
	}
	const unsigned char *p = buf;
	size_t left = len;
	/* NLMSG_OK and NLMSG_NEXT, without their signed length */
	for (const struct nlmsghdr *nh = buf;
	     left >= sizeof(*nh) && nh->nlmsg_len >= sizeof(*nh) && nh->nlmsg_len <= left;
	     left = left > NLMSG_ALIGN(nh->nlmsg_len) ? left - NLMSG_ALIGN(nh->nlmsg_len) : 0,
	                           p += NLMSG_ALIGN(nh->nlmsg_len), nh = (const void *)p) {
		if (nh->nlmsg_seq != seq)
			continue; /* the rest of an earlier dump that failed half-way */
		if (nh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);
			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)) || e->error >= 0 ||
			    e->error == INT32_MIN) {
				*why = "a malformed netlink error message";
				return -1;
			}
			*why = strerror(-e->error);
			return -1;
		}
		if (nh->nlmsg_type != RTM_NEWSTATS)
			continue;
		if (nh->nlmsg_len < NLMSG_SPACE(sizeof(struct if_stats_msg))) {
			*why = "a stats message shorter than its header";
			return -1;
		}
		const struct if_stats_msg *ifsm = NLMSG_DATA(nh);
		size_t alen = nh->nlmsg_len - NLMSG_SPACE(sizeof(*ifsm));
		const unsigned char *a = (const unsigned char *)ifsm + NLMSG_ALIGN(sizeof(*ifsm));
		for (const struct rtattr *rta = (const void *)a;
		     alen >= sizeof(*rta) && rta->rta_len >= sizeof(*rta) && rta->rta_len <= alen;
		     alen = alen > RTA_ALIGN(rta->rta_len) ? alen - RTA_ALIGN(rta->rta_len) : 0,
		                         a += RTA_ALIGN(rta->rta_len), rta = (const void *)a) {
			struct rtnl_link_stats64 st;
			if (rta->rta_type != IFLA_STATS_LINK_64 || RTA_PAYLOAD(rta) < sizeof(st))
				continue;
			memcpy(&st, RTA_DATA(rta), sizeof(st));
			fn(arg, (int)ifsm->ifindex, (uint64_t)st.rx_packets);
		}
	}
	if (left >= sizeof(struct nlmsghdr)) {
		*why = "a netlink message longer than what was received";
		return -1;
	}
	return 0;
}

static void keep(void *arg, int ifindex, uint64_t rx)
{
	(void)arg;
	if (the.n == the.cap) {
		size_t cap = the.cap ? the.cap * 2 : 16;
		struct counter *c = realloc(the.c, cap * sizeof(*c));
		if (!c)
			return; /* that interface reads as unknown this round */
		the.c = c;
		the.cap = cap;
	}
	the.c[the.n++] = (struct counter){.ifindex = ifindex, .rx = rx};
}

/* One RTM_GETSTATS dump of every interface's 64-bit link counters.  The kernel answers a
 * dump at once, from inside the receive: the blocking socket waits for no peer. */
static int dump(uint64_t now_ms, const char **why)
{
	struct {
		struct nlmsghdr nh;
		struct if_stats_msg ifsm;
	} req = {
	    .nh = {.nlmsg_len = sizeof(req),
	           .nlmsg_type = RTM_GETSTATS,
	           .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
	           .nlmsg_seq = ++the.seq},
	    .ifsm = {.family = AF_UNSPEC, .filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64)},
	};
	the.valid = false;
	the.n = 0;
	the.dumps++;
	if (send(the.fd, &req, sizeof(req), 0) < 0) {
		*why = strerror(errno);
		return -1;
	}
	for (;;) {
		struct iovec iov = {.iov_base = the.buf, .iov_len = BUF_SIZE};
		struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
		ssize_t r = recvmsg(the.fd, &msg, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*why = strerror(errno);
			return -1;
		}
		if (msg.msg_flags & MSG_TRUNC) {
			*why = "a stats dump message larger than the buffer";
			return -1;
		}
		int done = linkstats_parse(the.buf, (size_t)r, the.seq, keep, NULL, why);
		if (done < 0)
			return -1;
		if (done)
			break;
	}
	the.valid = true;
	the.dumped_ms = now_ms;
	return 0;
}

int linkstats_rx_packets(struct linkstats *ls, int ifindex, uint64_t now_ms, unsigned max_age_ms,
                         uint64_t *rx)
{
	const char *why = NULL;
	bool fresh = the.valid && now_ms >= the.dumped_ms && now_ms - the.dumped_ms < max_age_ms;
	if (!fresh && dump(now_ms, &why) < 0) {
		log_debug("%s: cannot read the interfaces' counters (netlink stats dump): %s",
		          ls->label, why);
		return -1;
	}
	for (size_t i = 0; i < the.n; i++) {
		if (the.c[i].ifindex == ifindex) {
			*rx = the.c[i].rx;
			return 0;
		}
	}
	log_debug("%s: interface %d is not in the netlink stats dump", ls->label, ifindex);
	return -1;
}

struct linkstats *linkstats_open(const char *label)
{
	struct linkstats *ls = calloc(1, sizeof(*ls));
	if (!ls) {
		log_error("%s: out of memory", label);
		return NULL;
	}
	snprintf(ls->label, sizeof(ls->label), "%s", label);
	if (the.fd < 0) {
		/* A bound against a kernel that never answers: the loop must not hang on it. */
		struct timeval tv = {.tv_sec = 2};
		the.buf = malloc(BUF_SIZE);
		the.fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		if (!the.buf || the.fd < 0 ||
		    setsockopt(the.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
			log_error("%s: cannot open a netlink socket for the interface counters: %s",
			          label, strerror(errno));
			if (the.fd >= 0)
				close(the.fd);
			free(the.buf);
			the.fd = -1;
			the.buf = NULL;
			free(ls);
			return NULL;
		}
		the.valid = false;
	}
	the.users++;
	return ls;
}

void linkstats_close(struct linkstats *ls)
{
	if (!ls)
		return;
	free(ls);
	if (--the.users)
		return;
	close(the.fd);
	the.fd = -1;
	free(the.buf);
	the.buf = NULL;
	free(the.c);
	the.c = NULL;
	the.n = the.cap = 0;
	the.valid = false;
}

unsigned linkstats_dumps(void)
{
	return the.dumps;
}
