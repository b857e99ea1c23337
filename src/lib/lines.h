/* Reading a configuration file: the limits every reader of sshdial's files shares, and
 * its lines one by one. */
#ifndef SSHDIAL_LINES_H
#define SSHDIAL_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"

/* Configuration files are a few KB; anything this big is not one (and /dev/zero is not). */
#define LINES_MAX_FILE (1024 * 1024)
/* The longest line, newline excluded: a pty command with its ssh options fits many times. */
#define LINES_MAX_LINE 4096

typedef void (*lines_fn)(void *arg, const char *line, unsigned lineno);

/* Opens path for reading without blocking (a FIFO) or taking a terminal; -1 after adding
 * "PATH: cannot open: reason" to d. */
int lines_open(const char *path, struct diag *d);

/* The whole content of fd, NUL-terminated, *len bytes without the NUL, in one buffer that
 * is never reallocated (it may hold a secret).  NULL after adding "PATH: message" to d:
 * not a regular file, larger than max, unreadable, or ("PATH:LINE: ...") a NUL byte. */
char *lines_slurp(int fd, const char *path, size_t max, size_t *len, struct diag *d);
/* Wipes and frees what lines_slurp returned. */
void lines_free(char *text, size_t len);

/* Adds "PATH:LINE: line longer than ..." to d for each line of text that is longer than
 * LINES_MAX_LINE; true if there is none. */
bool lines_check_length(const char *path, const char *text, size_t len, struct diag *d);

/* Calls fn for each line of the file open on fd (newline removed, numbered from 1); path
 * names it in messages.  A line longer than LINES_MAX_LINE is reported and skipped.
 * -1 if anything was wrong with the file (every problem is in d), else 0. */
int lines_read_fd(int fd, const char *path, struct diag *d, lines_fn fn, void *arg);
/* lines_open, then lines_read_fd. */
int lines_read(const char *path, struct diag *d, lines_fn fn, void *arg);

#endif
