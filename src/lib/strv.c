#include "lib/strv.h"

#include <stdarg.h>
#include <stdlib.h>

#include "lib/xalloc.h"

struct strv {
	char **items; /* always NULL-terminated, so that execv can take it as is */
	size_t len;
	size_t cap; /* slots in items, the terminator included */
};

struct strv *strv_new(void)
{
	struct strv *v = xmalloc(sizeof(*v));
	v->cap = 8;
	v->len = 0;
	v->items = xcalloc(v->cap, sizeof(*v->items));
	return v;
}

void strv_free(struct strv *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->len; i++)
		free(v->items[i]);
	free(v->items);
	free(v);
}

static void strv_take(struct strv *v, char *s)
{
	if (v->len + 1 >= v->cap) {
		v->cap *= 2;
		v->items = xrealloc(v->items, v->cap, sizeof(*v->items));
	}
	v->items[v->len++] = s;
	v->items[v->len] = NULL;
}

void strv_push(struct strv *v, const char *s)
{
	strv_take(v, xstrdup(s));
}

void strv_pushf(struct strv *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strv_take(v, xvasprintf(fmt, ap));
	va_end(ap);
}

size_t strv_len(const struct strv *v)
{
	return v->len;
}

const char *strv_get(const struct strv *v, size_t i)
{
	return i < v->len ? v->items[i] : NULL;
}

char *const *strv_argv(const struct strv *v)
{
	return v->items;
}
