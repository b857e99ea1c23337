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
/* Takes up to len bytes; returns how many it took (it stops after a frame is complete,
 * and takes nothing while one is pending), or -1 when the stream is malformed (a zero
 * length; every later feed says so too).  After a return, a complete frame
 * is given by frame_stream_frame until frame_stream_next. */
long frame_stream_feed(struct frame_stream *s, const uint8_t *buf, size_t len);
/* The frame completed by the last feed, or NULL.  A frame that was whole in the buffer
 * given to feed is not copied: the pointer is into that buffer, valid while the caller
 * keeps it unchanged; a frame that straddled feeds is in the stream's own buffer, valid
 * until frame_stream_next. */
const uint8_t *frame_stream_frame(const struct frame_stream *s, size_t *len);
void frame_stream_next(struct frame_stream *s);

#endif
