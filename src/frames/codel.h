/* CoDel's drop rule (RFC 8289) for a queue that is not the kernel's: the frame relay's
 * queue toward ssh.  Once every packet leaving the queue for a whole interval has waited
 * more than the target, drop the head, then more and more often (interval / sqrt(drops))
 * until one waits less.  A bulk transfer gets about one drop per round trip and slows
 * down; the queue, and the round trip of everything else through it, stays near the
 * target.
 *
 * The queue stays the caller's: before each write it shows CoDel its candidate (the
 * packet that would be dropped) and does what the answer says. */
#ifndef SSHDIAL_CODEL_H
#define SSHDIAL_CODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct codel;

enum codel_verdict {
	CODEL_SEND,      /* send the candidate (stop asking for this write) */
	CODEL_DROP,      /* drop it, then ask again about the next one */
	CODEL_DROP_LAST, /* drop it, then send: the first drop of a dropping spell */
};

/* target_ns, interval_ns: RFC 8289's TARGET and INTERVAL; a queue of at most min_bytes
 * is no standing queue, however long its packet waited (one full frame). */
struct codel *codel_new(uint64_t target_ns, uint64_t interval_ns, size_t min_bytes);
void codel_free(struct codel *c);

/* The candidate arrived at arrived_ns (the same clock as now_ns; later than now counts as
 * no wait); queued_bytes is all the queue holds; droppable is false for what must never be
 * dropped (link control), which still counts as late or not. */
enum codel_verdict codel_verdict(struct codel *c, uint64_t now_ns, uint64_t arrived_ns,
                                 size_t queued_bytes, bool droppable);
/* The queue ran empty: the dropping spell ends (its count is kept for a soon return). */
void codel_empty(struct codel *c);

/* Counters, for tests and logs. */
bool codel_dropping(const struct codel *c);
uint32_t codel_count(const struct codel *c);

#endif
