/* Redial pacing: the first retry at once, then exponential with jitter up to a cap. */
#ifndef SSHDIAL_BACKOFF_H
#define SSHDIAL_BACKOFF_H

#include <stdint.h>

struct backoff {
	unsigned base_ms;
	unsigned cap_ms;
	unsigned attempt;
	uint32_t seed;
};

void backoff_init(struct backoff *b, unsigned base_ms, unsigned cap_ms, uint32_t seed);
/* The pause before the next attempt: 0, then about base, 2*base, ... up to cap, each
 * scaled by a random factor in [0.75, 1.25) so that many clients don't redial in step. */
unsigned backoff_next(struct backoff *b);
void backoff_reset(struct backoff *b);

#endif
