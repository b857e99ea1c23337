/* The ssh command line for a peer: pure, so that it can be tested without running ssh. */
#ifndef SSHDIAL_SSH_ARGV_H
#define SSHDIAL_SSH_ARGV_H

#include "conf/config.h"
#include "lib/strv.h"

#define SSH_PATH "/usr/bin/ssh"

/* For a peer with a pty command: /bin/sh -c COMMAND.  Otherwise ssh in batch mode with
 * strict host-key checking, no escape character and no remote tty. */
struct strv *ssh_argv_build(const struct peer *p);
/* The same for one of the peer's servers (peer_server_host): its name and its port. */
struct strv *ssh_argv_build_server(const struct peer *p, size_t server);

#endif
