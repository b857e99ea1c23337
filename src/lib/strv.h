/* A growable, NULL-terminated vector of owned strings: argv for execv. */
#ifndef SSHDIAL_STRV_H
#define SSHDIAL_STRV_H

#include <stddef.h>

struct strv;

struct strv *strv_new(void);
void strv_free(struct strv *v);
/* Both abort on out-of-memory: a manager that cannot build an argv cannot go on. */
void strv_push(struct strv *v, const char *s);
void strv_pushf(struct strv *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
size_t strv_len(const struct strv *v);
const char *strv_get(const struct strv *v, size_t i);
/* NULL-terminated array owned by v, valid until the next push or free. */
char *const *strv_argv(const struct strv *v);

#endif
