/* One error as a value: what failed, where, what to do, and the library's own words for why.
 * It is plain data (no pointers), so it can be kept (a link's last failure), copied and handed
 * back (a status reply) as well as logged.  Formatted, it is today's one-line message:
 *
 *     WHERE: WHAT: CAUSE; FIX
 *
 * where WHERE names the place (a config's "FILE:LINE", a peer, an interface, a path), WHAT
 * says what failed, CAUSE is a library's text kept verbatim (strerror, nl_geterror, gai) and
 * FIX says what to do; each part is left out with its separator when empty. */
#ifndef SSHDIAL_ERR_H
#define SSHDIAL_ERR_H

#include <stdbool.h>
#include <stddef.h>

#define ERR_WHERE_MAX 512
#define ERR_WHAT_MAX 1024
#define ERR_CAUSE_MAX 512
#define ERR_FIX_MAX 512
/* Longest formatted error, NUL included. */
#define ERR_LINE_MAX (ERR_WHERE_MAX + ERR_WHAT_MAX + ERR_CAUSE_MAX + ERR_FIX_MAX + 8)

struct err {
	int code; /* errno, or a library's own code (negative for libnl's); 0 when none */
	char where[ERR_WHERE_MAX];
	char what[ERR_WHAT_MAX];
	char cause[ERR_CAUSE_MAX];
	char fix[ERR_FIX_MAX];
};

void err_clear(struct err *e);
bool err_is_set(const struct err *e);

/* Sets e afresh: where and fix may be NULL; what is printf-formatted.  A part too long for
 * its field is cut between two UTF-8 characters and ends with "...".  Each returns e, so
 * that err_log(err_errno(...)) reads as one statement. */
struct err *err_set(struct err *e, const char *where, const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same, with strerror(errnum) as the cause. */
struct err *err_errno(struct err *e, int errnum, const char *where, const char *fix,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Sets the cause of e to a library's text, kept verbatim, and its code. */
struct err *err_cause(struct err *e, int code, const char *text);
/* Replaces where ("office", "/etc/sshdial/peers/office:12", "office: ppp0"). */
struct err *err_where(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Replaces the fix. */
struct err *err_fix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes "WHERE: WHAT: CAUSE; FIX" into buf (len > 0; always terminated) as it is: the log's
 * sinks escape it.  A line that does not fit is cut between two UTF-8 characters and ends
 * with "...".  Returns buf, for use as a printf argument. */
const char *err_format(const struct err *e, char *buf, size_t len);
/* The same, escaped as log_escape does (control characters, invalid UTF-8): one line safe to
 * send anywhere, such as a reply on the control socket. */
const char *err_format_escaped(const struct err *e, char *buf, size_t len);

/* Logs "message: strerror(errnum)" as an error, for a failure nobody above needs as a value;
 * returns -1. */
int err_log_errno(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Logs e as an error, a warning or debug detail; each returns -1, the usual failure value. */
int err_log(const struct err *e);
int err_log_warn(const struct err *e);
int err_log_debug(const struct err *e);

#endif
