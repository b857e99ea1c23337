/* Whether an account can read a file: asked of the kernel as that account, so that every
 * directory on the way, groups and ACLs count, not only the file's mode. */
#ifndef SSHDIAL_ACCESS_AS_H
#define SSHDIAL_ACCESS_AS_H

#include <sys/types.h>

/* access(path, mode) as the account user (uid, gid, its supplementary groups): in this
 * process when it runs as uid, else in a child that takes the account's ids (root only).
 * 0: allowed; an errno value (EACCES, ENOENT, ...) when not; -1 when it cannot be told
 * (neither root nor that account, or the child could not be started). */
int access_as(const char *user, uid_t uid, gid_t gid, const char *path, int mode);

#endif
