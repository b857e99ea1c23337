#include "link/ssh_argv.h"

#include <stdlib.h>
#include <string.h>

#include "conf/forward_spec.h"
#include "conf/jump_spec.h"
#include "ctl/rundir.h"

/* Set before the peer's own ssh-options: ssh keeps the first value it sees for an
 * option, so these cannot be overridden (config.c also refuses them). */
static const char *const ssh_fixed[] = {
    "BatchMode=yes",
    "StrictHostKeyChecking=yes",
};

/* Set after the peer's ssh-options: defaults the peer may override. */
static const char *const ssh_defaults[] = {
    /* ssh's verdicts are read from its stderr: a LogLevel QUIET in the local user's
     * config would leave a failure without its reason (an ssh-option still wins). */
    "LogLevel=INFO",    "ServerAliveInterval=10",   "ServerAliveCountMax=3",
    "TCPKeepAlive=yes", "ExitOnForwardFailure=yes",
};

/* A forwards-only peer has no health probe through a link: ssh's own keepalives, one a
 * second, three missed, find a dead connection in about 3 s (sshdial-peer(5), FORWARDS). */
static const char *const ssh_forwards_only[] = {
    "ServerAliveInterval=1",
    "ServerAliveCountMax=3",
};

void ssh_control_dir(const struct peer *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", RUNDIR_SSH, peer_name(p));
}

void ssh_control_path(const struct peer *p, char *buf, size_t len)
{
	char dir[200];
	ssh_control_dir(p, dir, sizeof(dir));
	snprintf(buf, len, "%s/ctl", dir);
}

/* One word for sh: as it is when it holds nothing sh reads specially, else quoted. */
static void shell_word(char *buf, size_t len, const char *w)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                           "0123456789@%+=:,./_-[]";
	size_t used = strlen(buf);
	if (*w && strspn(w, safe) == strlen(w)) {
		snprintf(buf + used, len - used, " %s", w);
		return;
	}
	snprintf(buf + used, len - used, " '");
	for (const char *c = w; *c; c++) {
		used = strlen(buf);
		if (*c == '\'')
			snprintf(buf + used, len - used, "'\\''");
		else
			snprintf(buf + used, len - used, "%c", *c);
	}
	used = strlen(buf);
	snprintf(buf + used, len - used, "'");
}

/* Every '%' doubled: ssh expands %-escapes in a ProxyCommand once, at its own level. */
static void percent_escaped(char *buf, size_t len, const char *s)
{
	size_t o = 0;
	for (; *s && o + 3 < len; s++) {
		buf[o++] = *s;
		if (*s == '%')
			buf[o++] = '%';
	}
	buf[o] = 0;
}

#define PROXY_MAX 4096

/* The ProxyCommand that reaches the next host through jump k, itself reached through the
 * jumps before it: each hop is an ssh of its own, checked as strictly as the server, with
 * the peer's known-hosts and identity (ssh's ProxyJump would pass none of them on). */
static void proxy_command(const struct peer *p, size_t k, char *buf, size_t len)
{
	const struct jump_spec *j = peer_jump(p, k);
	snprintf(buf, len, "%s", SSH_PATH); /* ssh runs it with "exec " before it */
	const char *opts[] = {"BatchMode=yes", "StrictHostKeyChecking=yes", "ConnectTimeout=15",
	                      "ServerAliveInterval=10", "ServerAliveCountMax=3"};
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		shell_word(buf, len, "-o");
		shell_word(buf, len, opts[i]);
	}
	char word[PROXY_MAX + 16];
	if (peer_known_hosts(p)) {
		snprintf(word, sizeof(word), "UserKnownHostsFile=%s", peer_known_hosts(p));
		shell_word(buf, len, "-o");
		shell_word(buf, len, word);
	}
	if (peer_identity(p)) {
		shell_word(buf, len, "-i");
		shell_word(buf, len, peer_identity(p));
		shell_word(buf, len, "-o");
		shell_word(buf, len, "IdentitiesOnly=yes");
	}
	if (k > 0) {
		char inner[PROXY_MAX], escaped[PROXY_MAX];
		proxy_command(p, k - 1, inner, sizeof(inner));
		percent_escaped(escaped, sizeof(escaped), inner);
		snprintf(word, sizeof(word), "ProxyCommand=%s", escaped);
		shell_word(buf, len, "-o");
		shell_word(buf, len, word);
	}
	if (j->port) {
		snprintf(word, sizeof(word), "%u", j->port);
		shell_word(buf, len, "-p");
		shell_word(buf, len, word);
	}
	if (j->user[0]) {
		shell_word(buf, len, "-l");
		shell_word(buf, len, j->user);
	}
	shell_word(buf, len, "-W");
	shell_word(buf, len, "[%h]:%p");
	shell_word(buf, len, "--");
	shell_word(buf, len, j->host);
}

struct strv *ssh_argv_build(const struct peer *p)
{
	return ssh_argv_build_server(p, 0);
}

struct strv *ssh_argv_build_server(const struct peer *p, size_t server)
{
	return ssh_argv_build_dial(p, server, SSH_CONNECT_TIMEOUT_S, peer_frames(p));
}

static struct strv *build(const struct peer *p, size_t server, unsigned connect_timeout_s,
                          bool frames, const char *probe);

struct strv *ssh_argv_build_dial(const struct peer *p, size_t server, unsigned connect_timeout_s,
                                 bool frames)
{
	return build(p, server, connect_timeout_s, frames, NULL);
}

struct strv *ssh_argv_build_probe(const struct peer *p, size_t server, const char *command)
{
	return build(p, server, SSH_CONNECT_TIMEOUT_S, false, command);
}

/* probe: the remote command of check --dial, in place of the link's; NULL for a link. */
static struct strv *build(const struct peer *p, size_t server, unsigned connect_timeout_s,
                          bool frames, const char *probe)
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
	if (peer_jump_count(p)) {
		char proxy[PROXY_MAX];
		proxy_command(p, peer_jump_count(p) - 1, proxy, sizeof(proxy));
		strv_push(v, "-o");
		strv_pushf(v, "ProxyCommand=%s", proxy);
	}
	if (peer_forward_count(p) && !probe) {
		char path[256];
		ssh_control_path(p, path, sizeof(path));
		strv_push(v, "-o");
		strv_push(v, "ControlMaster=yes");
		strv_push(v, "-o");
		strv_pushf(v, "ControlPath=%s", path);
	}
	for (size_t i = 0; !probe && !peer_link(p) &&
	                   i < sizeof(ssh_forwards_only) / sizeof(ssh_forwards_only[0]);
	     i++) {
		strv_push(v, "-o");
		strv_push(v, ssh_forwards_only[i]);
	}
	strv_push(v, "-o");
	strv_pushf(v, "ConnectTimeout=%u",
	           connect_timeout_s ? connect_timeout_s : SSH_CONNECT_TIMEOUT_S);
	for (size_t i = 0; i < sizeof(ssh_defaults) / sizeof(ssh_defaults[0]); i++) {
		strv_push(v, "-o");
		strv_push(v, ssh_defaults[i]);
	}
	if (!peer_link(p) && !probe)
		strv_push(v, "-N");
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
	if (probe)
		strv_push(v, probe);
	else if (peer_remote_command(p) && peer_link(p))
		strv_push(v, peer_remote_command(p));
	else if (frames)
		strv_push(v, SSH_FRAMES_COMMAND);
	return v;
}

/* An ssh that speaks to the link's master through its control socket, never prompting. */
static struct strv *control_client(const struct peer *p)
{
	struct strv *v = strv_new();
	char path[256];
	ssh_control_path(p, path, sizeof(path));
	strv_push(v, SSH_PATH);
	strv_push(v, "-o");
	strv_push(v, "BatchMode=yes");
	strv_push(v, "-o");
	strv_push(v, "LogLevel=INFO"); /* its verdict is its last line */
	strv_push(v, "-S");
	strv_push(v, path);
	return v;
}

struct strv *ssh_argv_forward(const struct peer *p, const struct forward_spec *f)
{
	struct strv *v = control_client(p);
	strv_push(v, "-O");
	strv_push(v, "forward");
	strv_push(v, forward_spec_option(f));
	strv_push(v, f->ssh_arg);
	strv_push(v, "--");
	strv_push(v, peer_host(p));
	return v;
}

struct strv *ssh_argv_probe(const struct peer *p, const struct forward_spec *f)
{
	struct strv *v = control_client(p);
	strv_push(v, "-W");
	strv_pushf(v, strchr(f->host, ':') ? "[%s]:%u" : "%s:%u", f->host, f->host_port);
	strv_push(v, "--");
	strv_push(v, peer_host(p));
	return v;
}
