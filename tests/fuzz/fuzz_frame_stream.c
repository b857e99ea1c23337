/* The frame transport's byte stream (frame_stream_feed), as reads from the ssh channel
 * give it: the first byte of the input picks the size of the reads.  Every frame must be
 * 1 to FRAME_MAX bytes and inside what was fed; a refusal must hold. */
#include <stdlib.h>

#include "fuzz_util.h"
#include "frames/frame_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t step = (size_t)data[0] + 1;
	data++;
	size--;
	struct frame_stream *s = frame_stream_new();
	size_t at = 0, total = 0;
	while (at < size) {
		size_t n = size - at < step ? size - at : step;
		long took = frame_stream_feed(s, data + at, n);
		if (took < 0) {
			if (frame_stream_feed(s, data + at, n) >= 0)
				abort();
			break;
		}
		if ((size_t)took > n)
			abort();
		at += (size_t)took;
		size_t len;
		const uint8_t *f = frame_stream_frame(s, &len);
		if (f) {
			if (len < 1 || len > FRAME_MAX)
				abort();
			/* Read every byte: ASan says whether it is inside a buffer. */
			for (size_t i = 0; i < len; i++)
				total += f[i];
			frame_stream_next(s);
		} else if ((size_t)took != n) {
			abort();
		}
	}
	frame_stream_free(s);
	return total == (size_t)-1;
}
