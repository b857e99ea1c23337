#include "lib/textbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/xalloc.h"

static void reserve(struct textbuf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	b->data = xrealloc(b->data, cap, 1);
	b->cap = cap;
}

void textbuf_printf(struct textbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void textbuf_json_string(struct textbuf *b, const char *s)
{
	textbuf_printf(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			textbuf_printf(b, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f) /* foreign bytes stay valid JSON */
			textbuf_printf(b, "\\u%04x", *p);
		else
			textbuf_printf(b, "%c", *p);
	}
	textbuf_printf(b, "\"");
}

void textbuf_free(struct textbuf *b)
{
	free(b->data);
	*b = (struct textbuf){0};
}
