#include "lib/diag.h"

#include <stdarg.h>
#include <stdlib.h>

#include "lib/err.h"
#include "lib/log.h"
#include "lib/strv.h"
#include "lib/xalloc.h"

struct diag {
	struct strv *messages;
};

struct diag *diag_new(void)
{
	struct diag *d = xmalloc(sizeof(*d));
	d->messages = strv_new();
	return d;
}

void diag_free(struct diag *d)
{
	if (!d)
		return;
	strv_free(d->messages);
	free(d);
}

void diag_add(struct diag *d, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (!file)
		strv_push(d->messages, msg);
	else if (line == 0)
		strv_pushf(d->messages, "%s: %s", file, msg);
	else
		strv_pushf(d->messages, "%s:%u: %s", file, line, msg);
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
	free(msg);
	if (file && line)
		err_where(&e, "%s:%u", file, line);
	else if (file)
		err_where(&e, "%s", file);
	diag_add_err(d, &e);
}

void diag_add_err(struct diag *d, const struct err *e)
{
	char line[ERR_LINE_MAX];
	strv_push(d->messages, err_format(e, line, sizeof(line)));
}

size_t diag_count(const struct diag *d)
{
	return strv_len(d->messages);
}

const char *diag_get(const struct diag *d, size_t i)
{
	return strv_get(d->messages, i);
}

void diag_print(const struct diag *d, FILE *f)
{
	for (size_t i = 0; i < strv_len(d->messages); i++)
		log_print_line(f, strv_get(d->messages, i));
}
