/* Datagrams as the kernel's L2TP tunnel socket could send them to the relay
 * (l2tp_payload_offset): the offset found must leave a non-empty frame inside the datagram. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "frames/l2tp_link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so that ASan sees a read past the datagram. */
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	int off = l2tp_payload_offset(buf, size);
	if (off != -1 && (off < L2TP_DATA_HEADER_LEN || (size_t)off >= size))
		abort();
	free(buf);
	return 0;
}
