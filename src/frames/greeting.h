/* The client's check of the server's greeting on the frame stream (frame_relay.h): the
 * first bytes must be FRAME_MAGIC; FRAME_REFUSED and its line instead is the server's
 * refusal, quoted; anything else (plain PPP from a pppd or an older serve, a shell's
 * words) ends the link with a message that quotes what the server sent.  Pure: bytes in,
 * a verdict out. */
#ifndef SSHDIAL_GREETING_H
#define SSHDIAL_GREETING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct greeting;

/* where begins the messages (the relay's own, which outlives the greeting). */
struct greeting *greeting_new(const char *where);
void greeting_free(struct greeting *g);

/* FRAME_MAGIC matched in full: what follows is frames. */
bool greeting_done(const struct greeting *g);

#define GREETING_MORE (-1) /* a refusal's line is being read: stop this read, read on */
#define GREETING_END (-2)  /* the relay ends with *e */

/* Takes the next bytes of the stream while the greeting is not done: how many of buf it
 * took (the rest are frames), GREETING_MORE or GREETING_END. */
long greeting_feed(struct greeting *g, const uint8_t *buf, size_t len, struct err *e);
/* The stream ended: true, with the refusal in *e, when a refusal was being read. */
bool greeting_refused_at_end(const struct greeting *g, struct err *e);

#endif
