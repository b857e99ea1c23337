#include "frames/rx_time.h"

#include <string.h>

bool rx_time_enable(int fd)
{
	int on = 1;
	return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) == 0;
}

uint64_t rx_time_arrival(struct msghdr *h, const struct timespec *real, uint64_t now)
{
	if (h->msg_flags & MSG_CTRUNC)
		return now;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS ||
		    c->cmsg_len < CMSG_LEN(sizeof(struct timespec)))
			continue;
		struct timespec k;
		memcpy(&k, CMSG_DATA(c), sizeof(k));
		int64_t age = ((int64_t)real->tv_sec - (int64_t)k.tv_sec) * 1000000000ll +
		              ((int64_t)real->tv_nsec - (int64_t)k.tv_nsec);
		if (age <= 0)
			return now;
		return (uint64_t)age < now ? now - (uint64_t)age : 0;
	}
	return now;
}
