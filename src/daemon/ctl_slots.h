/* The control socket's connection slots: a member of the status group must not be able
 * to take every slot and lock root out.  Pure bookkeeping, for ctl_server.c. */
#ifndef SSHDIAL_CTL_SLOTS_H
#define SSHDIAL_CTL_SLOTS_H

#include <stdbool.h>

/* Connections open at once, in all. */
#define CTL_SLOTS_MAX 64
/* Of those, at most this many for one uid other than root... */
#define CTL_SLOTS_PER_UID 8
/* ...and at most CTL_SLOTS_MAX - CTL_SLOTS_ROOT for every uid other than root together:
 * the rest is root's even when many members connect at once. */
#define CTL_SLOTS_ROOT 8

/* Whether a new connection may be kept: open, the connections open now; non_root, those of
 * them from uids other than root; same_uid, those from the new one's uid. */
bool ctl_slots_admit(unsigned open, unsigned non_root, unsigned same_uid, bool root);

#endif
