/* Writing without leaving a half-done state: a whole buffer through short writes and
 * interruptions, a symbolic link replaced atomically. */
#ifndef SSHDIAL_FILE_WRITE_H
#define SSHDIAL_FILE_WRITE_H

#include <stddef.h>

/* Writing a whole buffer to a descriptor, through short writes and interruptions. */

/* Writes all len bytes of buf to fd; 0, or -1 with errno set (a write that takes nothing
 * is an error too: EIO, where it would otherwise loop forever). */
int write_all(int fd, const void *buf, size_t len);

/* Replacing a symbolic link so that whoever runs through it at that moment finds either
 * the old link or the new one, never none. */

/* Makes path a symbolic link to target: a new link at PATH.PID, renamed over path (rename
 * is atomic).  0, or -1 with errno set by the step that failed; nothing is left at
 * PATH.PID then. */
int symlink_replace(const char *target, const char *path);

#endif
