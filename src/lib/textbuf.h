/* Text built by appending (replies, status tables): grows as needed, always NUL-ended. */
#ifndef SSHDIAL_TEXTBUF_H
#define SSHDIAL_TEXTBUF_H

#include <stddef.h>

struct textbuf {
	char *data;
	size_t len;
	size_t cap;
};

void textbuf_printf(struct textbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as a JSON string, quotes included. */
void textbuf_json_string(struct textbuf *b, const char *s);
void textbuf_free(struct textbuf *b);

#endif
