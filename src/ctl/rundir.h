/* sshdial's runtime directory, /run/sshdial: per-peer control sockets and journals, and
 * the hook links that pppd runs as its ip-up and ip-down scripts; and its state directory,
 * /var/lib/sshdial, for the little that must outlive a reboot. */
#ifndef SSHDIAL_RUNDIR_H
#define SSHDIAL_RUNDIR_H

#include <stddef.h>
#include <sys/types.h>

#include "ctl/hook_event.h"

#define RUNDIR "/run/sshdial"
/* What must outlive a reboot: the resolver file's journal and backup (PEER.journal and
 * PEER.journal.XXXXXX), so that the start after a power loss puts /etc/resolv.conf back. */
#define STATEDIR "/var/lib/sshdial"
/* The directories of ssh's control sockets (forwards): ssh makes its socket there as the
 * peer's local-user, who cannot enter RUNDIR (0700, or 0710 for the status group).  So
 * beside it: root's, 0711 (no one may list it or add to it), and in it one directory per
 * peer, PEER, the local-user's, 0700. */
#define RUNDIR_SSH "/run/sshdial-ssh"

/* Creates the directory (root only, mode 0700) and points the hook links at the running
 * binary.  -1 after logging why. */
int rundir_prepare(void);
/* Creates STATEDIR (root only, mode 0755) unless it is there, and checks that it is a
 * directory owned by root that no one else may write.  -1 after logging why. */
int statedir_prepare(void);
/* STATEDIR/PEER.SUFFIX, e.g. the resolver file's journal "office.journal". */
void statedir_path(char *buf, size_t len, const char *peer, const char *suffix);
/* Creates RUNDIR_SSH (root only, mode 0711) or checks it.  -1 after logging why. */
int rundir_ssh_prepare(void);
/* RUNDIR/PEER.SUFFIX, e.g. the control socket "office.sock". */
void rundir_path(char *buf, size_t len, const char *peer, const char *suffix);
/* Takes the lock of peer's runtime files: RUNDIR/PEER.pid, locked (flock) and holding this
 * process's PID.  A call takes it before anything else there, the control socket and the
 * journal included, so that a second call of the peer changes nothing of the first's.
 * Returns the descriptor to keep open, or -1 with errno set: EWOULDBLOCK when another
 * process holds it, with *holder its PID (0 when the file does not say yet). */
int rundir_lock(const char *peer, pid_t *holder);
/* Deletes the file, then releases the lock (a lock on a deleted file protects nothing: a
 * process waiting for this one sees that and takes the new file's). */
void rundir_unlock(const char *peer, int fd);
/* The hook link pppd runs for kind: RUNDIR/sshdial-ip-up or RUNDIR/sshdial-ip-down. */
const char *rundir_hook(enum hook_kind kind);
/* The basenames main() recognises in argv[0]. */
const char *rundir_hook_name(enum hook_kind kind);

/* Members of group name reach the daemon's socket: RUNDIR becomes root:GROUP 0710 (the
 * socket itself root:GROUP 0660, the per-peer files keep their own modes).  The group's
 * id, or (gid_t)-1 after a warning saying what to do. */
gid_t rundir_open_to_group(const char *name);

#endif
