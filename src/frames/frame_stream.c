#include "frames/frame_stream.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

struct frame_stream {
	uint8_t head[FRAME_LEN_BYTES];
	size_t head_have;     /* length bytes seen of the frame being read */
	size_t want;          /* its length, once head_have == FRAME_LEN_BYTES */
	size_t have;          /* its bytes copied into buf */
	const uint8_t *frame; /* the complete frame: in buf, or in the caller's buffer */
	size_t frame_len;
	bool broken; /* a zero length was seen: nothing after it is a frame */
	uint8_t buf[FRAME_MAX];
};

struct frame_stream *frame_stream_new(void)
{
	return xcalloc(1, sizeof(struct frame_stream));
}

void frame_stream_free(struct frame_stream *s)
{
	free(s);
}

const uint8_t *frame_stream_frame(const struct frame_stream *s, size_t *len)
{
	*len = s->frame ? s->frame_len : 0;
	return s->frame;
}

void frame_stream_next(struct frame_stream *s)
{
	s->frame = NULL;
	s->frame_len = 0;
	s->head_have = 0;
	s->want = 0;
	s->have = 0;
}

static void complete(struct frame_stream *s, const uint8_t *frame, size_t len)
{
	s->frame = frame;
	s->frame_len = len;
}

long frame_stream_feed(struct frame_stream *s, const uint8_t *buf, size_t len)
{
	size_t took = 0;
	if (s->broken)
		return -1;
	if (s->frame || len == 0)
		return 0;
	/* A whole frame in the caller's buffer is handed back where it is: no copy. */
	if (s->head_have == 0 && len >= FRAME_LEN_BYTES) {
		size_t n = (size_t)buf[0] << 8 | buf[1];
		if (n == 0) {
			s->broken = true;
			return -1;
		}
		if (len >= FRAME_LEN_BYTES + n) {
			complete(s, buf + FRAME_LEN_BYTES, n);
			return (long)(FRAME_LEN_BYTES + n);
		}
	}
	while (s->head_have < FRAME_LEN_BYTES && took < len)
		s->head[s->head_have++] = buf[took++];
	if (s->head_have < FRAME_LEN_BYTES)
		return (long)took;
	s->want = (size_t)s->head[0] << 8 | s->head[1];
	if (s->want == 0) {
		s->broken = true;
		return -1;
	}
	size_t n = len - took < s->want - s->have ? len - took : s->want - s->have;
	memcpy(s->buf + s->have, buf + took, n);
	s->have += n;
	took += n;
	if (s->have == s->want)
		complete(s, s->buf, s->want);
	return (long)took;
}
