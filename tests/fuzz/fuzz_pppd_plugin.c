/* The bytes of a pppd binary as pppd_plugin_dir_in reads them for pppd's plugin directory:
 * what it finds is a NUL-terminated string of the input, the base and a version, and fits. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "link/pppd_plugin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so that ASan sees a read past the file's end. */
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	char dir[32];
	if (pppd_plugin_dir_in(buf, size, dir, sizeof(dir))) {
		size_t n = strlen(dir), base = strlen(PPPD_PLUGIN_BASE);
		if (n <= base || n >= sizeof(dir) || strncmp(dir, PPPD_PLUGIN_BASE, base) != 0 ||
		    strspn(dir + base, "0123456789.") != n - base || !memmem(buf, size, dir, n + 1))
			abort();
	}
	free(buf);
	return 0;
}
