/* The frame relay's queue toward the ssh channel: the bytes as they go on the stream (a
 * frame's length field and its bytes, or the server's magic) and each entry's arrival
 * time, whether it may be dropped and whether it is a frame.  The head may be partly
 * written (the pipe took part of it); a late frame is dropped from behind it. */
#ifndef SSHDIAL_FRAME_QUEUE_H
#define SSHDIAL_FRAME_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct frame_queue;

struct frame_queue *frame_queue_new(size_t max_bytes, size_t max_frames);
void frame_queue_free(struct frame_queue *q);

/* Whether bytes more (and one entry more) fit. */
bool frame_queue_room(const struct frame_queue *q, size_t bytes);
/* Appends p, with a 2-byte length field first when framed; keep: never dropped nor held
 * back (link control, the magic).  The caller checked frame_queue_room. */
void frame_queue_add(struct frame_queue *q, const uint8_t *p, size_t len, bool framed, bool keep,
                     uint64_t arrived_ns);

size_t frame_queue_count(const struct frame_queue *q);
/* Every byte queued, the head's written part included. */
size_t frame_queue_bytes(const struct frame_queue *q);
/* Whether an entry that is never dropped nor held is queued. */
bool frame_queue_keeps(const struct frame_queue *q);
/* The head's arrival; the queue is not empty. */
uint64_t frame_queue_head_arrived(const struct frame_queue *q);

/* The entry a drop would take: the head, or the one after it when the head is partly
 * written (a frame cut in the pipe must be finished).  False when there is none. */
bool frame_queue_candidate(const struct frame_queue *q, uint64_t *arrived_ns, bool *keep);
/* Drops the candidate (behind a partly written head: at most one frame's copy). */
void frame_queue_drop_candidate(struct frame_queue *q);

/* The bytes not yet written, in one piece. */
const uint8_t *frame_queue_unwritten(const struct frame_queue *q, size_t *len);
/* n of them were written: whole entries leave; adds the frames that left (not the magic)
 * and their bytes without length fields to *frames and *bytes. */
void frame_queue_written(struct frame_queue *q, size_t n, uint64_t *frames, uint64_t *bytes);

#endif
