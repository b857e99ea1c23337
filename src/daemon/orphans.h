/* After a daemon or call was killed outright: its pppd gets SIGTERM from the kernel
 * (parent-death signal), but one forked in the instant before it set that signal would
 * live on, orphaned.  Such a pppd is known by its command line: sshdial's own hook as
 * ip-up-script and the peer's name as linkname. */
#ifndef SSHDIAL_ORPHANS_H
#define SSHDIAL_ORPHANS_H

/* Ends (SIGTERM) every such pppd of peer.  The caller holds the peer's lock, so no live
 * sshdial dials it: any found is a dead one's.  Returns how many were found. */
int orphans_end(const char *peer);

#endif
