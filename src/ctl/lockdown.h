/* The lockdown records (kill-switch always): /var/lib/sshdial/lockdown/PEER, one file per
 * peer whose block must stay until `sshdial unlock PEER`.  /run is empty after a reboot, so
 * the record lives under /var/lib: the daemon's start reads it and puts the block back before
 * it dials anything.  The file's presence is the record; its text says what it is for a
 * person who finds it. */
#ifndef SSHDIAL_LOCKDOWN_H
#define SSHDIAL_LOCKDOWN_H

#include <stdbool.h>

#define LOCKDOWN_DIR "/var/lib/sshdial/lockdown"

/* Writes peer's record (the directories made, root only).  0, or -1 after logging why. */
int lockdown_mark(const char *peer);
/* Removes it; nothing when there is none.  0, or -1 after logging why. */
int lockdown_clear(const char *peer);
bool lockdown_marked(const char *peer);
/* Calls fn for each peer with a record (a name that is no valid peer name is skipped). */
void lockdown_each(void (*fn)(void *arg, const char *peer), void *arg);

#endif
