#include "net/netpath.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int net_addr_set(struct net_addr *a, int family, const void *bytes, size_t len)
{
	memset(a, 0, sizeof(*a));
	if ((family == AF_INET && len == sizeof(a->u.v4)) ||
	    (family == AF_INET6 && len == sizeof(a->u.v6))) {
		a->family = family;
		memcpy(&a->u, bytes, len);
		return 0;
	}
	return -1;
}

bool net_addr_equal(const struct net_addr *a, const struct net_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->u.v4.s_addr == b->u.v4.s_addr;
	if (a->family == AF_INET6)
		return memcmp(&a->u.v6, &b->u.v6, sizeof(a->u.v6)) == 0;
	return true; /* both absent */
}

bool net_path_routed(const struct net_path *p)
{
	return p->family != 0;
}

bool net_path_equal(const struct net_path *a, const struct net_path *b)
{
	if (!net_path_routed(a) || !net_path_routed(b))
		return net_path_routed(a) == net_path_routed(b);
	return a->family == b->family && a->ifindex == b->ifindex &&
	       net_addr_equal(&a->gateway, &b->gateway) && net_addr_equal(&a->source, &b->source);
}

bool net_path_same_source(const struct net_path *a, const struct net_path *b)
{
	return net_addr_equal(&a->source, &b->source);
}

static void format_addr(const struct net_addr *a, char *buf, size_t len)
{
	if (!a->family || !inet_ntop(a->family, &a->u, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

void net_path_format(const struct net_path *p, char *buf, size_t len)
{
	if (!net_path_routed(p)) {
		snprintf(buf, len, "no route");
		return;
	}
	char dev[IF_NAMESIZE + 16], via[INET6_ADDRSTRLEN] = "", src[INET6_ADDRSTRLEN] = "";
	if (p->ifname[0])
		snprintf(dev, sizeof(dev), "%s", p->ifname);
	else
		snprintf(dev, sizeof(dev), "%d", p->ifindex); /* gone since the lookup */
	if (p->gateway.family)
		format_addr(&p->gateway, via, sizeof(via));
	if (p->source.family)
		format_addr(&p->source, src, sizeof(src));
	snprintf(buf, len, "dev %s%s%s%s%s", dev, via[0] ? " via " : "", via, src[0] ? " src " : "",
	         src);
}
