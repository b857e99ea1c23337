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

/* What cidr_parse found wrong, so that a message can say it. */
enum cidr_status {
	CIDR_OK,
	CIDR_BAD_ADDRESS, /* not an IPv4 or IPv6 address */
	CIDR_BAD_PREFIX,  /* prefix length missing, not a number, or too long */
	CIDR_HOST_BITS,   /* bits set past the prefix length */
};

/* cidr_parse, telling why it failed.  On CIDR_HOST_BITS, out holds the network with the
 * host bits cleared (for a "did you mean" hint); on other failures out is untouched. */
enum cidr_status cidr_parse_status(const char *s, struct cidr *out);
/* The longest prefix length of c's family: 32 or 128. */
unsigned cidr_max_prefix(const struct cidr *c);
bool cidr_equal(const struct cidr *a, const struct cidr *b);

/* IPv6 through a link (ipv6-prefix): the host address of prefix (IPv6, at most /96) whose
 * last 32 bits are the IPv4 address ipv4 (4 bytes, network order), as a /128.  Both ends of
 * a link know each other's IPv4 address at ip-up, so both know each other's IPv6 address
 * without a second negotiation.  False if prefix is not such a prefix. */
bool cidr_ipv6_host(const struct cidr *prefix, const unsigned char ipv4[4], struct cidr *out);
/* Whether prefix can take cidr_ipv6_host's addresses: IPv6, /1 to /96. */
bool cidr_ipv6_prefix_ok(const struct cidr *prefix);

#endif
