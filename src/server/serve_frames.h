/* serve with the frame transport (serve_frames.c): the relay child between the ssh channel
 * and the L2TP tunnel, forked before serve becomes pppd. */
#ifndef SSHDIAL_SERVE_FRAMES_H
#define SSHDIAL_SERVE_FRAMES_H

struct l2tp_link;
struct lease;

/* Forks the relay between the ssh channel and link's tunnel; returns 0 in the parent,
 * which goes on to become pppd, or -1 after logging why.  The child never returns. */
int serve_frames_fork(const char *key, struct l2tp_link *link, struct lease *lease);

#endif
