/* The ssh command line for a peer: pure, so that it can be tested without running ssh. */
#ifndef SSHDIAL_SSH_ARGV_H
#define SSHDIAL_SSH_ARGV_H

#include "conf/config.h"
#include "lib/strv.h"

#define SSH_PATH "/usr/bin/ssh"
/* transport frames asks the server for it with this remote command, unless the peer names
 * its own (a forced command gets it as SSH_ORIGINAL_COMMAND). */
#define SSH_FRAMES_COMMAND "sshdial serve --transport frames"

/* For a peer with a pty command: /bin/sh -c COMMAND.  Otherwise ssh in batch mode with
 * strict host-key checking, no escape character and no remote tty. */
struct strv *ssh_argv_build(const struct peer *p);
/* The same for one of the peer's servers (peer_server_host): its name and its port. */
struct strv *ssh_argv_build_server(const struct peer *p, size_t server);
/* ssh's ConnectTimeout (TCP connect and the banner exchange) by default, in seconds. */
#define SSH_CONNECT_TIMEOUT_S 15u
/* The same for one dial attempt: another ConnectTimeout (0: the default), which the peer's
 * ssh-options may still override (the link grows it with the attempt's deadline:
 * attempt_deadline.h), and frames or not (transport auto decides per attempt:
 * link/transport.h); ssh_argv_build_server asks for frames only with 'transport frames'. */
struct strv *ssh_argv_build_dial(const struct peer *p, size_t server, unsigned connect_timeout_s,
                                 bool frames);
/* The peer's ssh for check --dial: the same login (user, identity, known_hosts, jump
 * hosts, ssh-options), no control master and no forwards, with command (serve's probe
 * request) in place of the link's.  Not for a pty command. */
struct strv *ssh_argv_build_probe(const struct peer *p, size_t server, const char *command);

/* A peer with forwards runs its ssh as a ControlMaster on a socket in a directory of its
 * own under /run/sshdial, owned by the local user (forward.c prepares it). */
void ssh_control_dir(const struct peer *p, char *buf, size_t len);
void ssh_control_path(const struct peer *p, char *buf, size_t len);
/* ssh -O forward: asks the running master to add one forward. */
struct forward_spec;
struct strv *ssh_argv_forward(const struct peer *p, const struct forward_spec *f);
/* ssh -W through the running master: one connection to a local forward's target. */
struct strv *ssh_argv_probe(const struct peer *p, const struct forward_spec *f);

#endif
