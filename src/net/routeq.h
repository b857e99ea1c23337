/* Asking the kernel where a packet would go, as `ip route get` does, with what libnl's
 * rtnl_route_lookup cannot say: the sending uid, the IP protocol and the destination port,
 * which policy rules select on.  No packet is sent. */
#ifndef SSHDIAL_ROUTEQ_H
#define SSHDIAL_ROUTEQ_H

#include <stdbool.h>
#include <stdint.h>

#include "net/netpath.h"

struct routeq {
	struct net_addr dst;
	bool has_uid;
	uint32_t uid;
	uint8_t ipproto; /* 0: none given */
	uint16_t dport;  /* 0: none given; with ipproto */
};

struct routeq_answer {
	int err;              /* 0: routed; else the kernel's errno (ENETUNREACH: unreachable) */
	struct net_path path; /* when routed */
};

/* 0 with a filled in; -1 with errno set when the kernel could not be asked at all. */
int routeq_lookup(const struct routeq *q, struct routeq_answer *a);

#endif
