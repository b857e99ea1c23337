/* CIDRs as route, pool and journal lines carry them: cidr_parse_status, and for what it
 * accepts, that cidr_format writes text that parses back to the same network. */
#include <stdlib.h>

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
	free(s);
	return 0;
}
