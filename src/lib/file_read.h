/* Reading a file through one descriptor, so that the file read is the file checked: any
 * regular file, read whole into a buffer that is never grown; root's configuration (no
 * symlink, owner, mode and directories checked); files that hold secrets (mode checked,
 * wiped after use). */
#ifndef SSHDIAL_FILE_READ_H
#define SSHDIAL_FILE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "lib/diag.h"

/* Reading a file that must be a regular file, all through one descriptor, so that the
 * file read is the file checked: opened without blocking, checked with fstat, then read
 * whole into one buffer that is never grown, since it may hold a secret. */

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

/* Opening a file whose content root acts on (a peer file: its pty command and pppd options
 * run as root), so that the file parsed is the file checked: no symbolic link, a regular
 * file owned by root and writable by no one else, in directories that no one else can
 * change. */

/* A descriptor open for reading on path, checked through that very descriptor; -1 after
 * adding "PATH: message" (what is wrong and the command that fixes it) to d.
 *
 * - The file itself may not be a symbolic link (opened with O_NOFOLLOW); the directories
 *   above it are resolved once, and then each of them from '/' down is opened without
 *   following links and checked, so a swap after the check changes nothing.
 * - The file must be regular, owned by root and not writable by group or others.
 * - Every directory from '/' down must be owned by root and not writable by group or
 *   others, unless it is sticky (as /tmp is): there no one else can rename root's files.
 *
 * owner: a uid trusted like root, for tests that cannot create root's files; 0 elsewhere. */
int trusted_file_open(const char *path, uid_t owner, struct diag *d);

/* Files that hold secrets: read whole into memory that is wiped after use, and refused
 * when anyone but their owner could read or change them. */

/* The file's content, NUL-terminated, *len bytes without the NUL; at most max bytes.
 * NULL after adding "PATH: message" to d: cannot open, not a regular file, readable or
 * writable by group or others, too large, or containing a NUL byte. */
char *secret_file_read(const char *path, size_t max, size_t *len, struct diag *d);
/* Wipes and frees what secret_file_read returned. */
void secret_file_free(char *content, size_t len);

#endif
