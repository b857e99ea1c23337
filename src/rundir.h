/* sshdial's runtime directory, /run/sshdial: per-peer control sockets and journals, and
 * the hook links that pppd runs as its ip-up and ip-down scripts. */
#ifndef SSHDIAL_RUNDIR_H
#define SSHDIAL_RUNDIR_H

#include <stddef.h>

#include "hook_event.h"

#define RUNDIR "/run/sshdial"

/* Creates the directory (root only, mode 0700) and points the hook links at the running
 * binary.  -1 after logging why. */
int rundir_prepare(void);
/* RUNDIR/PEER.SUFFIX, e.g. the control socket "office.sock". */
void rundir_path(char *buf, size_t len, const char *peer, const char *suffix);
/* The hook link pppd runs for kind: RUNDIR/sshdial-ip-up or RUNDIR/sshdial-ip-down. */
const char *rundir_hook(enum hook_kind kind);
/* The basenames main() recognises in argv[0]. */
const char *rundir_hook_name(enum hook_kind kind);

#endif
