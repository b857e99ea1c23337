#include "lib/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/err.h"
#include "lib/log.h"
#include "lib/strv.h"
#include "lib/xalloc.h"

/* Each message twice: as an error value (where, what, cause) for whoever hands it on, and
 * as the whole line, never cut, for printing. */
struct diag {
	struct strv *messages;
	struct err *errs;
	size_t n, cap;
};

struct diag *diag_new(void)
{
	struct diag *d = xmalloc(sizeof(*d));
	*d = (struct diag){.messages = strv_new()};
	return d;
}

void diag_free(struct diag *d)
{
	if (!d)
		return;
	strv_free(d->messages);
	free(d->errs);
	free(d);
}

static void where_of(struct err *e, const char *file, unsigned line)
{
	if (file && line)
		err_where(e, "%s:%u", file, line);
	else if (file)
		err_where(e, "%s", file);
}

/* line is e formatted in full, when its parts were too long for e. */
static void push(struct diag *d, const struct err *e, const char *line)
{
	char buf[ERR_LINE_MAX];

	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 4;
		d->errs = xrealloc(d->errs, d->cap, sizeof(*d->errs));
	}
	d->errs[d->n++] = *e;
	strv_push(d->messages, line ? line : err_format(e, buf, sizeof(buf)));
}

/* The whole line, as the message and its place would print without cutting. */
static char *full_line(const char *file, unsigned line, const char *msg)
{
	if (!file)
		return xstrdup(msg);
	if (line == 0)
		return xasprintf("%s: %s", file, msg);
	return xasprintf("%s:%u: %s", file, line, msg);
}

void diag_add(struct diag *d, const char *file, unsigned line, const char *fmt, ...)
{
	struct err e;
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	err_set(&e, NULL, NULL, "%s", msg);
	where_of(&e, file, line);
	char *whole = full_line(file, line, msg);
	push(d, &e, whole);
	free(whole);
	free(msg);
}

void diag_errno(struct diag *d, const char *file, unsigned line, int errnum, const char *fmt, ...)
{
	struct err e;
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	err_errno(&e, errnum, NULL, NULL, "%s", msg);
	where_of(&e, file, line);
	char *with_cause = xasprintf("%s: %s", msg, e.cause);
	char *whole = full_line(file, line, with_cause);
	push(d, &e, whole);
	free(whole);
	free(with_cause);
	free(msg);
}

void diag_add_err(struct diag *d, const struct err *e)
{
	push(d, e, NULL);
}

size_t diag_count(const struct diag *d)
{
	return d->n;
}

const char *diag_get(const struct diag *d, size_t i)
{
	return strv_get(d->messages, i);
}

const struct err *diag_err(const struct diag *d, size_t i)
{
	return i < d->n ? &d->errs[i] : NULL;
}

void diag_print(const struct diag *d, FILE *f)
{
	for (size_t i = 0; i < strv_len(d->messages); i++)
		log_print_line(f, strv_get(d->messages, i));
}
