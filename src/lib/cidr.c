#include "lib/cidr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static bool parse_prefix(const char *s, unsigned max, unsigned *out)
{
	/* Digits only: strtoul would take "+8", " 8" and "0x8". */
	unsigned v = 0;
	size_t n = strspn(s, "0123456789");
	if (n == 0 || n > 3 || s[n] != '\0')
		return false;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	if (v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_address(const char *s, size_t len, struct cidr *c)
{
	char buf[INET6_ADDRSTRLEN];
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, buf, c->addr) == 1)
		c->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, c->addr) == 1)
		c->family = AF_INET6;
	else
		return false;
	return true;
}

/* Clears the bits past the prefix length; true if any was set. */
static bool clear_host_bits(struct cidr *c)
{
	bool had = false;
	unsigned bytes = cidr_max_prefix(c) / 8;
	for (unsigned i = 0; i < bytes; i++) {
		unsigned first_bit = i * 8;
		unsigned char keep = 0xff;
		if (first_bit >= c->prefixlen)
			keep = 0;
		else if (c->prefixlen - first_bit < 8)
			keep = (unsigned char)(0xff << (8 - (c->prefixlen - first_bit)));
		if (c->addr[i] & (unsigned char)~keep)
			had = true;
		c->addr[i] &= keep;
	}
	return had;
}

enum cidr_status cidr_parse_status(const char *s, struct cidr *out)
{
	const char *slash = strchr(s, '/');
	struct cidr c;
	if (!parse_address(s, slash ? (size_t)(slash - s) : strlen(s), &c))
		return CIDR_BAD_ADDRESS;
	c.prefixlen = cidr_max_prefix(&c);
	if (slash && !parse_prefix(slash + 1, cidr_max_prefix(&c), &c.prefixlen))
		return CIDR_BAD_PREFIX;
	bool host_bits = clear_host_bits(&c);
	*out = c;
	return host_bits ? CIDR_HOST_BITS : CIDR_OK;
}

bool cidr_parse(const char *s, struct cidr *out)
{
	struct cidr c;
	if (cidr_parse_status(s, &c) != CIDR_OK)
		return false;
	*out = c;
	return true;
}

void cidr_format(const struct cidr *c, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	if (!inet_ntop(c->family, c->addr, addr, sizeof(addr)))
		snprintf(addr, sizeof(addr), "?");
	snprintf(buf, len, "%s/%u", addr, c->prefixlen);
}

unsigned cidr_max_prefix(const struct cidr *c)
{
	return c->family == AF_INET ? 32 : 128;
}

bool cidr_equal(const struct cidr *a, const struct cidr *b)
{
	return a->family == b->family && a->prefixlen == b->prefixlen &&
	       memcmp(a->addr, b->addr, cidr_max_prefix(a) / 8) == 0;
}

bool cidr_ipv6_prefix_ok(const struct cidr *prefix)
{
	return prefix->family == AF_INET6 && prefix->prefixlen >= 1 && prefix->prefixlen <= 96;
}

bool cidr_ipv6_host(const struct cidr *prefix, const unsigned char ipv4[4], struct cidr *out)
{
	if (!cidr_ipv6_prefix_ok(prefix))
		return false;
	*out = *prefix;
	memcpy(out->addr + 12, ipv4, 4);
	out->prefixlen = 128;
	return true;
}
