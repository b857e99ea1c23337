/* Opening a file whose content root acts on (a peer file: its pty command and pppd options
 * run as root), so that the file parsed is the file checked: no symbolic link, a regular
 * file owned by root and writable by no one else, in directories that no one else can
 * change. */
#ifndef SSHDIAL_TRUSTED_FILE_H
#define SSHDIAL_TRUSTED_FILE_H

#include <sys/types.h>

#include "lib/diag.h"

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

#endif
