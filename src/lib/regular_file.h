/* Reading a file that must be a regular file, all through one descriptor, so that the
 * file read is the file checked: opened without blocking, checked with fstat, then read
 * whole into one buffer that is never grown, since it may hold a secret. */
#ifndef SSHDIAL_REGULAR_FILE_H
#define SSHDIAL_REGULAR_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "lib/diag.h"

/* Opens path for reading without blocking (a FIFO) or taking a terminal; -1 after adding
 * "PATH: cannot open: reason" to d. */
int regular_file_open(const char *path, struct diag *d);

/* fstat of fd into *st; false after adding "PATH: cannot stat: reason", or "PATH: not a
 * regular file" followed by hint ("" for none), to d. */
bool regular_file_stat(int fd, const char *path, const char *hint, struct stat *st, struct diag *d);

/* The whole file open on fd, from its start whatever fd's offset, NUL-terminated, *len
 * bytes without the NUL, in one allocation of max + 2 bytes.  NULL with errno set: EFBIG
 * when it holds more than max bytes (it may have grown since a check), else the read's
 * error; what was read is wiped then. */
char *regular_file_read(int fd, size_t max, size_t *len);
/* Wipes and frees what regular_file_read returned (len: its *len); NULL is ignored. */
void regular_file_free(char *text, size_t len);

#endif
