#include "daemon/dial_queue.h"

#include <stdlib.h>

#include "lib/xalloc.h"

struct item {
	void *key;
	struct item *next;
};

struct dial_queue {
	unsigned max;
	struct item *holders; /* unordered */
	unsigned active;
	struct item *head, **tail; /* FIFO */
	size_t waiting;
};

struct dial_queue *dial_queue_new(unsigned max)
{
	struct dial_queue *q = xcalloc(1, sizeof(*q));
	q->max = max;
	q->tail = &q->head;
	return q;
}

static void free_list(struct item *it)
{
	while (it) {
		struct item *next = it->next;
		free(it);
		it = next;
	}
}

void dial_queue_free(struct dial_queue *q)
{
	if (!q)
		return;
	free_list(q->holders);
	free_list(q->head);
	free(q);
}

static struct item **find(struct item **pp, const void *key)
{
	while (*pp && (*pp)->key != key)
		pp = &(*pp)->next;
	return pp;
}

bool dial_queue_holds(const struct dial_queue *q, const void *key)
{
	for (const struct item *it = q->holders; it; it = it->next)
		if (it->key == key)
			return true;
	return false;
}

bool dial_queue_waiting(const struct dial_queue *q, const void *key)
{
	for (const struct item *it = q->head; it; it = it->next)
		if (it->key == key)
			return true;
	return false;
}

static void hold(struct dial_queue *q, void *key)
{
	struct item *it = xcalloc(1, sizeof(*it));
	*it = (struct item){.key = key, .next = q->holders};
	q->holders = it;
	q->active++;
}

bool dial_queue_acquire(struct dial_queue *q, void *key)
{
	if (dial_queue_holds(q, key))
		return true;
	if (dial_queue_waiting(q, key))
		return false;
	if (!q->max || q->active < q->max) {
		hold(q, key);
		return true;
	}
	struct item *it = xcalloc(1, sizeof(*it));
	it->key = key;
	*q->tail = it;
	q->tail = &it->next;
	q->waiting++;
	return false;
}

void *dial_queue_release(struct dial_queue *q, void *key)
{
	struct item **pp = find(&q->head, key);
	if (*pp) { /* leaves the queue */
		struct item *it = *pp;
		*pp = it->next;
		if (q->tail == &it->next)
			q->tail = pp;
		free(it);
		q->waiting--;
		return NULL;
	}
	pp = find(&q->holders, key);
	if (!*pp)
		return NULL;
	struct item *it = *pp;
	*pp = it->next;
	free(it);
	q->active--;
	if (!q->head || (q->max && q->active >= q->max))
		return NULL;
	struct item *first = q->head;
	q->head = first->next;
	if (!q->head)
		q->tail = &q->head;
	q->waiting--;
	void *next = first->key;
	free(first);
	hold(q, next);
	return next;
}

unsigned dial_queue_active(const struct dial_queue *q)
{
	return q->active;
}

size_t dial_queue_length(const struct dial_queue *q)
{
	return q->waiting;
}
