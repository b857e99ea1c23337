/* The frame transport's byte stream, parsed: each frame is a 2-byte big-endian length
 * (1 to FRAME_MAX) and that many bytes.  Pure logic, no I/O: the relay feeds it what it
 * read and gets whole frames back; fuzzed (tests/fuzz/fuzz_frame_stream.c). */
#ifndef SSHDIAL_FRAME_STREAM_H
#define SSHDIAL_FRAME_STREAM_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX 65535
#define FRAME_LEN_BYTES 2

struct frame_stream;

struct frame_stream *frame_stream_new(void);
void frame_stream_free(struct frame_stream *s);
/* Takes up to len bytes; returns how many it took (it stops after a frame is complete),
 * or -1 when the stream is malformed (a zero length).  After a return, a complete frame
 * is given by frame_stream_frame until frame_stream_next. */
long frame_stream_feed(struct frame_stream *s, const uint8_t *buf, size_t len);
/* The frame completed by the last feed, or NULL. */
const uint8_t *frame_stream_frame(const struct frame_stream *s, size_t *len);
void frame_stream_next(struct frame_stream *s);

#endif
