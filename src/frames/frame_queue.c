#include "frames/frame_queue.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "frames/frame_stream.h"

struct entry {
	uint64_t arrived_ns;
	uint32_t len; /* bytes in the queue: length field and frame (or the magic) */
	bool keep;
	bool framed;
};

struct frame_queue {
	size_t max_bytes, max_frames;
	/* bytes [head, tail) of buf; entries in a ring from first */
	uint8_t *buf;
	size_t head, tail;
	struct entry *e;
	size_t first, count;
	size_t head_sent; /* bytes of the head entry already written */
	size_t keeps;     /* entries with keep */
};

struct frame_queue *frame_queue_new(size_t max_bytes, size_t max_frames)
{
	struct frame_queue *q = xcalloc(1, sizeof(*q));
	q->max_bytes = max_bytes;
	q->max_frames = max_frames;
	q->buf = xmalloc(max_bytes);
	q->e = xcalloc(max_frames, sizeof(*q->e));
	return q;
}

void frame_queue_free(struct frame_queue *q)
{
	if (!q)
		return;
	free(q->e);
	free(q->buf);
	free(q);
}

bool frame_queue_room(const struct frame_queue *q, size_t bytes)
{
	return q->count < q->max_frames && q->tail - q->head + bytes <= q->max_bytes;
}

void frame_queue_add(struct frame_queue *q, const uint8_t *p, size_t len, bool framed, bool keep,
                     uint64_t arrived_ns)
{
	size_t total = len + (framed ? FRAME_LEN_BYTES : 0);
	if (q->tail + total > q->max_bytes) {
		memmove(q->buf, q->buf + q->head, q->tail - q->head);
		q->tail -= q->head;
		q->head = 0;
	}
	uint8_t *d = q->buf + q->tail;
	if (framed) {
		d[0] = (uint8_t)(len >> 8);
		d[1] = (uint8_t)len;
		d += FRAME_LEN_BYTES;
	}
	memcpy(d, p, len);
	q->tail += total;
	q->e[(q->first + q->count) % q->max_frames] = (struct entry){
	    .arrived_ns = arrived_ns, .len = (uint32_t)total, .keep = keep, .framed = framed};
	q->count++;
	q->keeps += keep;
}

size_t frame_queue_count(const struct frame_queue *q)
{
	return q->count;
}

size_t frame_queue_bytes(const struct frame_queue *q)
{
	return q->tail - q->head;
}

bool frame_queue_keeps(const struct frame_queue *q)
{
	return q->keeps > 0;
}

uint64_t frame_queue_head_arrived(const struct frame_queue *q)
{
	return q->e[q->first].arrived_ns;
}

static void remove_head(struct frame_queue *q)
{
	q->keeps -= q->e[q->first].keep;
	q->head += q->e[q->first].len;
	q->first = (q->first + 1) % q->max_frames;
	q->count--;
	q->head_sent = 0;
	if (q->count == 0)
		q->head = q->tail = 0;
}

bool frame_queue_candidate(const struct frame_queue *q, uint64_t *arrived_ns, bool *keep)
{
	size_t skip = q->head_sent ? 1 : 0;
	if (q->count <= skip)
		return false;
	const struct entry *c = &q->e[(q->first + skip) % q->max_frames];
	*arrived_ns = c->arrived_ns;
	*keep = c->keep;
	return true;
}

/* Behind a partly written head, the head's bytes move up over the candidate and its
 * entry takes the candidate's place. */
void frame_queue_drop_candidate(struct frame_queue *q)
{
	if (!q->head_sent) {
		remove_head(q);
		return;
	}
	struct entry head = q->e[q->first];
	size_t next = (q->first + 1) % q->max_frames;
	uint32_t gone = q->e[next].len;
	q->keeps -= q->e[next].keep;
	memmove(q->buf + q->head + gone, q->buf + q->head, head.len);
	q->head += gone;
	q->e[next] = head;
	q->first = next;
	q->count--;
}

const uint8_t *frame_queue_unwritten(const struct frame_queue *q, size_t *len)
{
	*len = q->tail - q->head - q->head_sent;
	return q->buf + q->head + q->head_sent;
}

void frame_queue_written(struct frame_queue *q, size_t n, uint64_t *frames, uint64_t *bytes)
{
	while (n && q->count) {
		const struct entry *f = &q->e[q->first];
		size_t rest = f->len - q->head_sent;
		if (n < rest) {
			q->head_sent += n;
			return;
		}
		n -= rest;
		if (f->framed) {
			(*frames)++;
			*bytes += f->len - FRAME_LEN_BYTES;
		}
		remove_head(q);
	}
}
