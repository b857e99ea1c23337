/* A bound on how many links dial at once: at most max hold a slot, the others wait in
 * FIFO order.  A slot is freed when its link comes up, fails or stops; the first waiter
 * then gets it.  Pure bookkeeping of opaque keys: the caller dials. */
#ifndef SSHDIAL_DIAL_QUEUE_H
#define SSHDIAL_DIAL_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

struct dial_queue;

/* max 0: no bound. */
struct dial_queue *dial_queue_new(unsigned max);
void dial_queue_free(struct dial_queue *q);
/* true: key holds a slot now.  false: key waits at the end of the queue (once). */
bool dial_queue_acquire(struct dial_queue *q, void *key);
/* key gives up its slot, or its place in the queue.  Returns the waiter that now holds
 * the freed slot (the caller lets it dial), or NULL. */
void *dial_queue_release(struct dial_queue *q, void *key);
bool dial_queue_holds(const struct dial_queue *q, const void *key);
bool dial_queue_waiting(const struct dial_queue *q, const void *key);
unsigned dial_queue_active(const struct dial_queue *q);
size_t dial_queue_length(const struct dial_queue *q);

#endif
