/* Reading a configuration file line by line: shared by every reader of sshdial's files. */
#ifndef SSHDIAL_LINES_H
#define SSHDIAL_LINES_H

#include "diag.h"

typedef void (*lines_fn)(void *arg, const char *line, unsigned lineno);

/* Calls fn for each line of path (newline removed, numbered from 1).  -1 when path
 * cannot be opened, after adding "PATH: cannot open: reason" to d; a read error midway
 * is added to d too. */
int lines_read(const char *path, struct diag *d, lines_fn fn, void *arg);

#endif
