/* Netlink stats dump buffers (linkstats_parse), as a receive of the kernel's answer gives
 * them: the parser must stay inside the buffer, and a refusal must say why. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "net/linkstats.h"

static void count(void *arg, int ifindex, uint64_t rx)
{
	(void)ifindex;
	(void)rx;
	++*(unsigned *)arg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The kernel's buffer is aligned; so is malloc's copy. */
	void *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	unsigned n = 0;
	const char *why = NULL;
	int r = linkstats_parse(buf, size, size >= 12 ? data[8] : 0, count, &n, &why);
	if (r < 0 && !why)
		abort();
	free(buf);
	return 0;
}
