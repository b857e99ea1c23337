/* The kernel's path to one address, as a value: which interface, through which gateway,
 * from which source address.  Two paths are compared field by field, never as text. */
#ifndef SSHDIAL_NETPATH_H
#define SSHDIAL_NETPATH_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

/* An IPv4 or IPv6 address; family 0 when absent. */
struct net_addr {
	int family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

struct net_path {
	int family;  /* of the destination; 0: the kernel has no route to it */
	int ifindex; /* the outgoing interface */
	struct net_addr gateway;
	struct net_addr source;   /* the preferred source: what a new connection binds to */
	char ifname[IF_NAMESIZE]; /* for messages only: the index is what is compared */
};

/* Fills a from the raw bytes of an address (4 or 16 of them).  -1 on any other length. */
int net_addr_set(struct net_addr *a, int family, const void *bytes, size_t len);
bool net_addr_equal(const struct net_addr *a, const struct net_addr *b);

bool net_path_routed(const struct net_path *p);
/* Same interface, gateway and source: the path has not moved. */
bool net_path_equal(const struct net_path *a, const struct net_path *b);
/* Same source address: a connection bound before the change still works after it. */
bool net_path_same_source(const struct net_path *a, const struct net_path *b);

/* "dev eth0 via 10.0.0.1 src 10.0.0.5", as ip-route(8) says it; "no route". */
#define NET_PATH_STRLEN (IF_NAMESIZE + 2 * INET6_ADDRSTRLEN + 32)
void net_path_format(const struct net_path *p, char *buf, size_t len);

#endif
