/* CIDRs as route, pool and journal lines carry them: cidr_parse_status, and for what it
 * accepts, that cidr_format writes text that parses back to the same network. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/cidr.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strdup(data, size);
	struct cidr c, again;
	enum cidr_status st = cidr_parse_status(s, &c);
	if (st == CIDR_OK || st == CIDR_HOST_BITS) {
		char buf[CIDR_STRLEN];
		cidr_format(&c, buf, sizeof(buf));
		if (!cidr_parse(buf, &again) || !cidr_equal(&c, &again))
			abort(); /* what sshdial writes it must read back */
	}
	if (cidr_parse(s, &again) != (st == CIDR_OK))
		abort();
	/* ipv6-prefix: the host address keeps the prefix and is a /128 of it. */
	static const unsigned char v4[4] = {192, 168, 77, 10};
	struct cidr host;
	if (st == CIDR_OK && cidr_ipv6_host(&c, v4, &host) &&
	    (host.prefixlen != 128 || host.family != AF_INET6 ||
	     memcmp(host.addr, c.addr, c.prefixlen / 8) != 0 || memcmp(host.addr + 12, v4, 4) != 0))
		abort();
	free(s);
	return 0;
}
