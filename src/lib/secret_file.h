/* Files that hold secrets: read whole into memory that is wiped after use, and refused
 * when anyone but their owner could read or change them. */
#ifndef SSHDIAL_SECRET_FILE_H
#define SSHDIAL_SECRET_FILE_H

#include <stddef.h>

#include "lib/diag.h"

/* The file's content, NUL-terminated, *len bytes without the NUL; at most max bytes.
 * NULL after adding "PATH: message" to d: cannot open, not a regular file, readable or
 * writable by group or others, too large, or containing a NUL byte. */
char *secret_file_read(const char *path, size_t max, size_t *len, struct diag *d);
/* Wipes and frees what secret_file_read returned. */
void secret_file_free(char *content, size_t len);

#endif
