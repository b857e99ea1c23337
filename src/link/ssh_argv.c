#include "link/ssh_argv.h"

#include <stdlib.h>

/* Set before the peer's own ssh-options: ssh keeps the first value it sees for an
 * option, so these cannot be overridden (config.c also refuses them). */
static const char *const ssh_fixed[] = {
    "BatchMode=yes",
    "StrictHostKeyChecking=yes",
};

/* Set after the peer's ssh-options: defaults the peer may override. */
static const char *const ssh_defaults[] = {
    "ConnectTimeout=15", "ServerAliveInterval=10",   "ServerAliveCountMax=3",
    "TCPKeepAlive=yes",  "ExitOnForwardFailure=yes",
};

struct strv *ssh_argv_build(const struct peer *p)
{
	return ssh_argv_build_server(p, 0);
}

struct strv *ssh_argv_build_server(const struct peer *p, size_t server)
{
	struct strv *v = strv_new();

	if (peer_pty_command(p)) {
		strv_push(v, "/bin/sh");
		strv_push(v, "-c");
		strv_push(v, peer_pty_command(p));
		return v;
	}
	strv_push(v, SSH_PATH);
	strv_push(v, "-e");
	strv_push(v, "none");
	strv_push(v, "-T");
	for (size_t i = 0; i < sizeof(ssh_fixed) / sizeof(ssh_fixed[0]); i++) {
		strv_push(v, "-o");
		strv_push(v, ssh_fixed[i]);
	}
	if (peer_known_hosts(p)) {
		strv_push(v, "-o");
		strv_pushf(v, "UserKnownHostsFile=%s", peer_known_hosts(p));
	}
	if (peer_identity(p)) {
		strv_push(v, "-i");
		strv_push(v, peer_identity(p));
		strv_push(v, "-o");
		strv_push(v, "IdentitiesOnly=yes");
	}
	const struct strv *opts = peer_ssh_options(p);
	for (size_t i = 0; opts && i < strv_len(opts); i++) {
		strv_push(v, "-o");
		strv_push(v, strv_get(opts, i));
	}
	for (size_t i = 0; i < sizeof(ssh_defaults) / sizeof(ssh_defaults[0]); i++) {
		strv_push(v, "-o");
		strv_push(v, ssh_defaults[i]);
	}
	if (peer_server_port(p, server)) {
		strv_push(v, "-p");
		strv_pushf(v, "%u", peer_server_port(p, server));
	}
	if (peer_ssh_user(p)) {
		strv_push(v, "-l");
		strv_push(v, peer_ssh_user(p));
	}
	strv_push(v, "--");
	strv_push(v, peer_server_host(p, server));
	if (peer_remote_command(p))
		strv_push(v, peer_remote_command(p));
	return v;
}
