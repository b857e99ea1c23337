/* An IPv4 or IPv6 network in CIDR notation: a small value type. */
#ifndef SSHDIAL_CIDR_H
#define SSHDIAL_CIDR_H

#include <stdbool.h>
#include <stddef.h>

#define CIDR_STRLEN 64

struct cidr {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned prefixlen;
};

/* Accepts "10.1.0.0/16", "2001:db8::/32", and a bare address as a host route.
 * Fails (returns false) on bad syntax, a prefix length out of range, or host bits set. */
bool cidr_parse(const char *s, struct cidr *out);
void cidr_format(const struct cidr *c, char *buf, size_t len);

#endif
