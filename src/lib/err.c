#include "lib/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"

/* Copies src into dst[len], cut between two UTF-8 characters with "..." when too long. */
static void put(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n < len) {
		memcpy(dst, src, n + 1);
		return;
	}
	if (len < 4) {
		dst[0] = '\0';
		return;
	}
	n = len - 4;
	while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
		n--;
	memcpy(dst, src, n);
	memcpy(dst + n, "...", 4);
}

static void vput(char *dst, size_t len, const char *fmt, va_list ap)
{
	char buf[ERR_LINE_MAX];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	put(dst, len, buf);
}

void err_clear(struct err *e)
{
	e->code = 0;
	e->where[0] = e->what[0] = e->cause[0] = e->fix[0] = '\0';
}

bool err_is_set(const struct err *e)
{
	return e->what[0] != '\0';
}

static void reset(struct err *e, const char *where, const char *fix)
{
	err_clear(e);
	put(e->where, sizeof(e->where), where ? where : "");
	put(e->fix, sizeof(e->fix), fix ? fix : "");
}

struct err *err_set(struct err *e, const char *where, const char *fix, const char *fmt, ...)
{
	va_list ap;

	reset(e, where, fix);
	va_start(ap, fmt);
	vput(e->what, sizeof(e->what), fmt, ap);
	va_end(ap);
	return e;
}

struct err *err_errno(struct err *e, int errnum, const char *where, const char *fix,
                      const char *fmt, ...)
{
	va_list ap;

	reset(e, where, fix);
	va_start(ap, fmt);
	vput(e->what, sizeof(e->what), fmt, ap);
	va_end(ap);
	return err_cause(e, errnum, strerror(errnum));
}

struct err *err_cause(struct err *e, int code, const char *text)
{
	e->code = code;
	put(e->cause, sizeof(e->cause), text ? text : "");
	return e;
}

struct err *err_where(struct err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vput(e->where, sizeof(e->where), fmt, ap);
	va_end(ap);
	return e;
}

struct err *err_fix(struct err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vput(e->fix, sizeof(e->fix), fmt, ap);
	va_end(ap);
	return e;
}

const char *err_format(const struct err *e, char *buf, size_t len)
{
	char line[ERR_LINE_MAX];

	snprintf(line, sizeof(line), "%s%s%s%s%s%s%s", e->where, e->where[0] ? ": " : "", e->what,
	         e->cause[0] ? ": " : "", e->cause, e->fix[0] ? "; " : "", e->fix);
	put(buf, len, line);
	return buf;
}

const char *err_format_escaped(const struct err *e, char *buf, size_t len)
{
	char line[ERR_LINE_MAX];

	log_escape(buf, len, err_format(e, line, sizeof(line)));
	return buf;
}

int err_log(const struct err *e)
{
	char line[ERR_LINE_MAX];

	log_error("%s", err_format(e, line, sizeof(line)));
	return -1;
}

int err_log_warn(const struct err *e)
{
	char line[ERR_LINE_MAX];

	log_warn("%s", err_format(e, line, sizeof(line)));
	return -1;
}

int err_log_debug(const struct err *e)
{
	char line[ERR_LINE_MAX];

	log_debug("%s", err_format(e, line, sizeof(line)));
	return -1;
}

int err_log_errno(int errnum, const char *fmt, ...)
{
	struct err e;
	va_list ap;

	reset(&e, NULL, NULL);
	va_start(ap, fmt);
	vput(e.what, sizeof(e.what), fmt, ap);
	va_end(ap);
	return err_log(err_cause(&e, errnum, strerror(errnum)));
}
