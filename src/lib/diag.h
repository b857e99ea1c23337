/* Diagnostics collected while reading configuration: "FILE:LINE: message" each, kept both as
 * lines to print and as error values (lib/err.h) to hand on. */
#ifndef SSHDIAL_DIAG_H
#define SSHDIAL_DIAG_H

#include <stddef.h>
#include <stdio.h>

struct diag;
struct err;

struct diag *diag_new(void);
void diag_free(struct diag *d);
/* line 0 means the file as a whole: "FILE: message"; a NULL file, the message alone. */
void diag_add(struct diag *d, const char *file, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same with strerror(errnum) after the message: "FILE:LINE: message: cause". */
void diag_errno(struct diag *d, const char *file, unsigned line, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Adds an error value as one message ("WHERE: WHAT: CAUSE; FIX"). */
void diag_add_err(struct diag *d, const struct err *e);
size_t diag_count(const struct diag *d);
const char *diag_get(const struct diag *d, size_t i);
/* The i-th message as an error value (where "FILE:LINE"), or NULL past the end.  A part too
 * long for the value is cut there; diag_get keeps the whole line. */
const struct err *diag_err(const struct diag *d, size_t i);
/* One line each, escaped as log_escape does: the messages quote the files' text. */
void diag_print(const struct diag *d, FILE *f);

#endif
