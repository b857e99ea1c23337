/* Replacing a symbolic link so that whoever runs through it at that moment finds either
 * the old link or the new one, never none. */
#ifndef SSHDIAL_SYMLINK_REPLACE_H
#define SSHDIAL_SYMLINK_REPLACE_H

/* Makes path a symbolic link to target: a new link at PATH.PID, renamed over path (rename
 * is atomic).  0, or -1 with errno set by the step that failed; nothing is left at
 * PATH.PID then. */
int symlink_replace(const char *target, const char *path);

#endif
