#include "frames/codel.h"

#include <stdlib.h>

#include "lib/xalloc.h"

struct codel {
	uint64_t target_ns, interval_ns;
	size_t min_bytes;
	uint64_t first_above_ns, drop_next_ns;
	uint32_t drop_count;
	bool dropping;
};

struct codel *codel_new(uint64_t target_ns, uint64_t interval_ns, size_t min_bytes)
{
	struct codel *c = xcalloc(1, sizeof(*c));
	c->target_ns = target_ns;
	c->interval_ns = interval_ns;
	c->min_bytes = min_bytes;
	return c;
}

void codel_free(struct codel *c)
{
	free(c);
}

static uint32_t isqrt(uint32_t n)
{
	uint32_t x = 0;
	while ((x + 1) * (x + 1) <= n)
		x++;
	return x;
}

static uint64_t control_law(const struct codel *c, uint64_t t, uint32_t count)
{
	return t + c->interval_ns / (count ? isqrt(count) : 1);
}

/* Whether the candidate has been late long enough to drop (RFC 8289's dodequeue). */
static bool ok_to_drop(struct codel *c, uint64_t now, uint64_t arrived, size_t queued)
{
	uint64_t sojourn = now > arrived ? now - arrived : 0;
	if (sojourn < c->target_ns || queued <= c->min_bytes) {
		c->first_above_ns = 0;
		return false;
	}
	if (c->first_above_ns == 0) {
		c->first_above_ns = now + c->interval_ns;
		return false;
	}
	return now >= c->first_above_ns;
}

enum codel_verdict codel_verdict(struct codel *c, uint64_t now, uint64_t arrived, size_t queued,
                                 bool droppable)
{
	bool ok = ok_to_drop(c, now, arrived, queued);
	if (c->dropping) {
		if (!ok) {
			c->dropping = false;
			return CODEL_SEND;
		}
		if (now < c->drop_next_ns || !droppable)
			return CODEL_SEND;
		c->drop_count++;
		c->drop_next_ns = control_law(c, c->drop_next_ns, c->drop_count);
		return CODEL_DROP;
	}
	if (!ok || !droppable)
		return CODEL_SEND;
	c->dropping = true;
	/* Back soon after the last spell: start near its rate, not from one drop. */
	bool recent = now - c->drop_next_ns < 16 * c->interval_ns;
	c->drop_count = c->drop_count > 2 && recent ? c->drop_count - 2 : 1;
	c->drop_next_ns = control_law(c, now, c->drop_count);
	return CODEL_DROP_LAST;
}

void codel_empty(struct codel *c)
{
	c->dropping = false;
}

bool codel_dropping(const struct codel *c)
{
	return c->dropping;
}

uint32_t codel_count(const struct codel *c)
{
	return c->drop_count;
}
