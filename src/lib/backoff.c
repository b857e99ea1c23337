#include "lib/backoff.h"

void backoff_init(struct backoff *b, unsigned base_ms, unsigned cap_ms, uint32_t seed)
{
	*b = (struct backoff){.base_ms = base_ms, .cap_ms = cap_ms, .seed = seed ? seed : 1};
}

static uint32_t xorshift32(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

unsigned backoff_next(struct backoff *b)
{
	unsigned n = b->attempt++;
	if (n == 0)
		return 0;
	uint64_t delay = b->base_ms;
	for (unsigned i = 1; i < n && delay < b->cap_ms; i++)
		delay *= 2;
	if (delay > b->cap_ms)
		delay = b->cap_ms;
	/* factor in [0.75, 1.25): 750..1249 per mille */
	uint64_t permille = 750 + xorshift32(&b->seed) % 500;
	delay = delay * permille / 1000;
	return delay > b->cap_ms ? b->cap_ms : (unsigned)delay;
}

void backoff_reset(struct backoff *b)
{
	b->attempt = 0;
}
