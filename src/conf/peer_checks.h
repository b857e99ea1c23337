/* What `check` (and `init`, which runs the same checks) finds that would make ssh fail at
 * dial time although the peer file reads well: the identity and the known_hosts that ssh
 * will use, as the peer's local-user sees them. */
#ifndef SSHDIAL_PEER_CHECKS_H
#define SSHDIAL_PEER_CHECKS_H

#include <stdio.h>

#include "conf/config.h"

/* Adds one message to d for each problem: a missing or unreadable identity (or, without an
 * 'identity' line, none of ssh's default keys), a server or jump host with no key in any
 * known_hosts file ssh reads, a file local-user cannot read.  What cannot be told by this
 * process (run neither as root nor as local-user) is said on notes instead. */
void peer_check_ssh_files(const struct peer *p, struct diag *d, FILE *notes);

/* Loads PEER as `call` would (peer_load) and runs every check of this machine on it: the
 * account exists, the secret can be read (where this user may read it), and the ssh files
 * above.  NULL when the file could not be read; else the peer, with any problem in d. */
struct peer *peer_check_load(const char *name_or_path, const char *peers_dir, struct diag *d,
                             FILE *notes);

#endif
