#include "link/failure.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "conf/jump_spec.h"
#include "frames/frame_relay.h"
#include "lib/text.h"

void failure_clear(struct failure *f)
{
	memset(f, 0, sizeof(*f));
	f->cls = FAILURE_NONE;
}

static void failure_vset(struct failure *f, enum failure_class cls, const char *fix,
                         const char *fmt, va_list ap)
{
	if (cls <= f->cls)
		return;
	vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
	snprintf(f->fix, sizeof(f->fix), "%s", fix ? fix : "");
	f->cls = cls;
}

void failure_set(struct failure *f, enum failure_class cls, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	failure_vset(f, cls, NULL, fmt, ap);
	va_end(ap);
}

void failure_set_fix(struct failure *f, enum failure_class cls, const char *fix, const char *fmt,
                     ...)
{
	va_list ap;
	va_start(ap, fmt);
	failure_vset(f, cls, fix, fmt, ap);
	va_end(ap);
}

const char *failure_format(const struct failure *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", f->reason, f->fix[0] ? "; " : "", f->fix);
	return buf;
}

static const char *or_default(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* --- ssh's own message forms (OpenSSH's sshconnect.c, sshconnect2.c, ssh.c) ------------ */

#define SSH_HOSTKEY_FAILED "Host key verification failed."
#define SSH_STRICT_TAIL " and you have requested strict checking."
#define SSH_CHANGED_BANNER "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @"

/* "No ED25519 host key is known for HOST and you have requested strict checking." */
static bool ssh_hostkey_unknown(const char *line)
{
	return str_has_prefix(line, "No ") && strstr(line, " host key is known for ") &&
	       ends_with(line, SSH_STRICT_TAIL);
}

/* The HOST of either message form above: "No TYPE host key is known for HOST and ...",
 * "Host key for HOST has changed and ...". */
static void ssh_hostkey_host(const char *line, char *buf, size_t len)
{
	const char *from = strstr(line, " host key is known for ");
	const char *to = strstr(line, SSH_STRICT_TAIL);
	if (from)
		from += strlen(" host key is known for ");
	else if (str_has_prefix(line, "Host key for "))
		from = line + strlen("Host key for ");
	if (from && to && ends_with(line, " has changed" SSH_STRICT_TAIL))
		to -= strlen(" has changed");
	if (from && to && to > from)
		snprintf(buf, len, "%.*s", (int)(to - from), from);
}

/* "Host key for HOST has changed and you have requested strict checking.", or the banner. */
static bool ssh_hostkey_changed(const char *line)
{
	return strcmp(line, SSH_CHANGED_BANNER) == 0 ||
	       (str_has_prefix(line, "Host key for ") &&
	        ends_with(line, " has changed" SSH_STRICT_TAIL));
}

/* "USER@HOST: Permission denied (METHODS)." (older: without "USER@HOST: "), METHODS a
 * comma-separated list such as "publickey,password". */
static bool ssh_permission_denied(const char *line)
{
	static const char form[] = "Permission denied (";
	const char *s = line;
	const char *sep = strstr(line, ": Permission denied (");
	if (sep) {
		size_t n = (size_t)(sep - line);
		if (n == 0 || memchr(line, ' ', n) || !memchr(line, '@', n))
			return false;
		s = sep + 2;
	}
	if (!str_has_prefix(s, form))
		return false;
	s += sizeof(form) - 1;
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-,@.");
	return n > 0 && strcmp(s + n, ").") == 0;
}

/* "ssh: connect to host H port P: REASON", "ssh: Could not resolve hostname H: REASON" */
static bool ssh_network_error(const char *line)
{
	return str_has_prefix(line, "ssh: connect to host ") ||
	       str_has_prefix(line, "ssh: Could not resolve hostname ");
}

/* sshdial serve's refusal on its stderr: "sshdial serve: key NAME: WHY" (server/serve.c's
 * refuse(); its other lines, the log-file's, are no refusal). */
#define SERVE_REFUSAL SERVE_SAYS "key "

/* pppd's option_error() before it detaches: "ARGV0: MESSAGE", ARGV0 "pppd" or a path to it. */
static const char *server_pppd_text(const char *line)
{
	const char *sep = strstr(line, ": ");
	if (!sep || memchr(line, ' ', (size_t)(sep - line)) || !sep[2])
		return NULL;
	size_t n = (size_t)(sep - line);
	if (!(n == 4 || (n > 4 && line[n - 5] == '/')) || strncmp(sep - 4, "pppd", 4) != 0)
		return NULL;
	return sep + 2;
}

/* ssh's ConnectTimeout, in its own forms: "Connection timed out during banner exchange",
 * "ssh: connect to host H port P: Connection timed out". */
static bool ssh_timed_out(const char *line)
{
	return strcmp(line, "Connection timed out during banner exchange") == 0 ||
	       (str_has_prefix(line, "ssh: connect to host ") &&
	        ends_with(line, ": Connection timed out"));
}

void failure_from_ssh_line(struct failure *f, const char *line)
{
	struct failure_ssh_notes *n = &f->ssh;
	if (str_has_prefix(line, "debug1: ") || str_has_prefix(line, "debug2: ") ||
	    str_has_prefix(line, "debug3: "))
		return;
	snprintf(n->last, sizeof(n->last), "%s", line);
	if (ssh_hostkey_unknown(line))
		n->hostkey_unknown = true;
	if (ssh_hostkey_changed(line))
		n->hostkey_changed = true;
	if (ssh_hostkey_unknown(line) || ssh_hostkey_changed(line))
		ssh_hostkey_host(line, n->hostkey_host, sizeof(n->hostkey_host));
	if (strcmp(line, SSH_HOSTKEY_FAILED) == 0)
		n->hostkey_failed = true;
	if (ssh_timed_out(line))
		n->timed_out = true;
	/* sshdial serve's refusal, as its refuse() says it (server/serve.c): the first one. */
	if (str_has_prefix(line, SERVE_REFUSAL) && !n->server_serve[0])
		snprintf(n->server_serve, sizeof(n->server_serve), "%s", line);
	const char *text = server_pppd_text(line);
	if (!text)
		return;
	size_t used = strlen(n->server_pppd);
	if (!used) /* its first line, whole; a second continues the sentence */
		snprintf(n->server_pppd, sizeof(n->server_pppd), "%s", line);
	else if (!strchr(n->server_pppd, '\n'))
		snprintf(n->server_pppd + used, sizeof(n->server_pppd) - used, "\n%s", text);
}

/* The jump host that ssh's host-key message names, as ssh writes a host in it: "HOST",
 * or "[HOST]:PORT" off port 22.  0 when none: 1 for the first hop. */
static size_t hostkey_hop(const struct failure_ssh_notes *n, const struct peer *p)
{
	for (size_t i = 0; n->hostkey_failed && i < peer_jump_count(p); i++) {
		const struct jump_spec *j = peer_jump(p, i);
		char form[300];
		if (j->port && j->port != 22)
			snprintf(form, sizeof(form), "[%s]:%u", j->host, j->port);
		else
			snprintf(form, sizeof(form), "%s", j->host);
		if (strcmp(n->hostkey_host, form) == 0)
			return i + 1;
	}
	return 0;
}

/* ssh exited 255 on its own: its last line is its verdict. */
static void ssh_own_verdict(struct failure *f, const struct peer *p)
{
	const struct failure_ssh_notes *n = &f->ssh;
	size_t hop = hostkey_hop(n, p);
	if (hop) {
		failure_set_fix(f, FAILURE_PERMANENT, "check that host's key and put it there",
		                "host key verification failed for jump host '%s' (hop %zu of %zu): "
		                "its key %s %s",
		                peer_jump(p, hop - 1)->host, hop, peer_jump_count(p),
		                n->hostkey_changed ? "has CHANGED from the one in" : "is not in",
		                or_default(peer_known_hosts(p), "the local user's known_hosts"));
		return;
	}
	const char *host = or_default(f->host ? f->host : peer_host(p), "the server");
	const char *known = or_default(peer_known_hosts(p), "the local user's known_hosts");

	char fix[ERR_FIX_MAX];
	if (strcmp(n->last, SSH_HOSTKEY_FAILED) == 0 && n->hostkey_changed) {
		failure_set_fix(f, FAILURE_PERMANENT,
		                "if the server's key was really replaced, replace its line there, "
		                "otherwise someone may be between you and the server",
		                "host key verification failed for '%s': its key has CHANGED from "
		                "the one in %s",
		                host, known);
	} else if (strcmp(n->last, SSH_HOSTKEY_FAILED) == 0) {
		snprintf(fix, sizeof(fix), "check the server's key and add it to %s", known);
		failure_set_fix(
		    f, FAILURE_PERMANENT, fix, "host key verification failed for '%s': %s", host,
		    n->hostkey_unknown ? "its key is not in the known hosts"
		                       : "its key is missing from or differs from the known hosts");
	} else if (ssh_permission_denied(n->last)) {
		snprintf(fix, sizeof(fix),
		         "check identity and ssh-user in %s and the server's authorized_keys",
		         peer_file(p));
		failure_set_fix(f, FAILURE_PERMANENT, fix,
		                "the ssh server refused the login (ssh said '%s')", n->last);
	} else if (ssh_network_error(n->last)) {
		failure_set(f, FAILURE_TRANSIENT, "%s", n->last);
	} else if (n->last[0]) {
		failure_set(f, FAILURE_TRANSIENT, "ssh exited with status 255 (ssh: %s)", n->last);
	} else {
		failure_set(f, FAILURE_TRANSIENT, "ssh exited with status 255");
	}
}

/* The path in a shell's complaint: "sh: 1: PATH: not found" (dash), "bash: line 1: PATH:
 * No such file or directory" (bash); NULL when the line is of no such form. */
static const char *shell_failed_path(const char *line, char *buf, size_t len)
{
	static const char *const tails[] = {": not found", ": No such file or directory",
	                                    ": Permission denied", ": Is a directory"};
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		if (!ends_with(line, tails[i]))
			continue;
		size_t end = strlen(line) - strlen(tails[i]);
		size_t start = 0;
		for (size_t j = 0; j + 1 < end; j++)
			if (line[j] == ':' && line[j + 1] == ' ')
				start = j + 2;
		if (start == 0 || start >= end)
			return NULL;
		snprintf(buf, len, "%.*s", (int)(end - start), line + start);
		return buf;
	}
	return NULL;
}

/* The remote shell could not run the command: the server's configuration, permanent. */
static void server_cannot_run(struct failure *f, const struct peer *p, int code)
{
	const struct failure_ssh_notes *n = &f->ssh;
	char path[FAILURE_LINE_MAX];
	const char *what = code == 126 ? "is not executable" : "does not exist";
	char said[FAILURE_LINE_MAX + 40] = "the server's shell said nothing";
	if (n->last[0])
		snprintf(said, sizeof(said), "the server's shell said '%s'", n->last);

	if (peer_pty_command(p)) {
		failure_set(f, FAILURE_PERMANENT,
		            "a command of the pty command in %s, or the server's forced command, "
		            "could not be run (status %d; %s)",
		            peer_file(p), code, said);
		return;
	}
	const char *file = shell_failed_path(n->last, path, sizeof(path));
	char fix[ERR_FIX_MAX];
	snprintf(fix, sizeof(fix),
	         "fix the command=\"...\" option of this key's line in the authorized_keys of "
	         "%s on %s%s%s",
	         or_default(peer_ssh_user(p), "the ssh-user"),
	         or_default(f->host ? f->host : peer_host(p), "the server"),
	         peer_remote_command(p) ? ", or remote-command in " : "",
	         peer_remote_command(p) ? peer_file(p) : "");
	if (file)
		failure_set_fix(f, FAILURE_PERMANENT, fix,
		                "the server cannot run the command for this login: '%s' %s there "
		                "(ssh exit status %d, %s)",
		                file, what, code, said);
	else
		failure_set_fix(f, FAILURE_PERMANENT, fix,
		                "the server cannot run the command for this login (ssh exit status "
		                "%d, %s)",
		                code, said);
}

/* Before the link came up, on the frame transport, without a verdict of ssh's own. */
#define STREAM_ENDED                                                                               \
	"the ssh connection closed before the link came up (the stream of frames ended "           \
	"without a refusal from the server"

void failure_from_ssh_exit(struct failure *f, const struct peer *p, int wstatus, unsigned how)
{
	if (!WIFEXITED(wstatus)) {
		failure_set(f, FAILURE_TRANSIENT, "ssh was killed by SIG%s",
		            sigabbrev_np(WTERMSIG(wstatus)));
		return;
	}
	int code = WEXITSTATUS(wstatus);
	/* After ip-up, ssh had logged in and the server's pppd had started long before: no
	 * line can be a verdict on either. */
	if (how & FAILURE_SSH_WAS_UP) {
		/* ssh's own "Timeout, server HOST not responding." (its keepalives) */
		if (code == 255 && str_has_prefix(f->ssh.last, "Timeout, server ") &&
		    ends_with(f->ssh.last, " not responding."))
			failure_set(f, FAILURE_TRANSIENT,
			            "the server stopped answering ssh's keepalives (ssh: %s)",
			            f->ssh.last);
		failure_set(f, FAILURE_TRANSIENT,
		            "the ssh connection closed after the link was up (ssh exited with "
		            "status %d)",
		            code);
	} else if (code == 255) {
		if ((how & FAILURE_SSH_SIGNALLED) && (how & FAILURE_SSH_FRAMES))
			failure_set(f, FAILURE_TRANSIENT, STREAM_ENDED "; ssh ended when told to)");
		else if (how & FAILURE_SSH_SIGNALLED)
			failure_set(f, FAILURE_TRANSIENT, "ssh ended when told to (status 255)");
		else
			ssh_own_verdict(f, p);
	} else if (code == 126 || code == 127) {
		server_cannot_run(f, p, code);
	} else if (code != 0 && f->ssh.server_serve[0]) {
		failure_set_fix(f, FAILURE_PERMANENT, FAILURE_FIX_ON_SERVER,
		                "%s refused the link: '%s'",
		                or_default(f->host ? f->host : peer_host(p), "the server"),
		                f->ssh.server_serve);
	} else if (code != 0 && f->ssh.server_pppd[0]) {
		char quoted[sizeof(f->ssh.server_pppd)];
		snprintf(quoted, sizeof(quoted), "%s", f->ssh.server_pppd);
		char *nl = strchr(quoted, '\n');
		if (nl)
			*nl = ' ';
		failure_set_fix(f, FAILURE_PERMANENT,
		                "fix this on the server (its pppd options, or /etc/ppp/pap-secrets "
		                "for this login)",
		                "the server's pppd refused to start (status %d): '%s'", code,
		                quoted);
	} else if (how & FAILURE_SSH_FRAMES) {
		failure_set(f, FAILURE_TRANSIENT, STREAM_ENDED "; ssh exited with status %d)",
		            code);
	} else {
		failure_set(f, FAILURE_TRANSIENT, "ssh exited with status %d", code);
	}
}

/* --- pppd's log and exit status ---------------------------------------------------------- */

#define PPPD_LOCK_FAILED "Can't create lock file "
/* pppd's line before its exit 4 (sys-linux.c); the reason after it is strerror's. */
#define PPPD_DEV_FAILED "Couldn't open the /dev/ppp device: "
/* pppd's own line when the server answers our PAP request with a Nak (upap.c); the
 * server's text comes on a line of its own, "Remote message: ...", so an exact match
 * cannot be forged by it. */
#define PPPD_PAP_REJECTED "PAP authentication failed"

void failure_from_pppd_line(struct failure *f, const char *line)
{
	/* pppd then exits 16 (hangup) as if ssh had closed: the log line says why. */
	if (strstr(line, "No response to") && strstr(line, "echo-requests"))
		failure_set(f, FAILURE_TRANSIENT,
		            "the server stopped answering LCP echo requests (pppd: %s)", line);
	if (str_has_prefix(line, PPPD_LOCK_FAILED) && !f->pppd_lock[0])
		snprintf(f->pppd_lock, sizeof(f->pppd_lock), "%s", line);
	if (str_has_prefix(line, PPPD_DEV_FAILED) && !f->pppd_dev[0])
		snprintf(f->pppd_dev, sizeof(f->pppd_dev), "%s", line + strlen(PPPD_DEV_FAILED));
	if (strcmp(line, PPPD_PAP_REJECTED) == 0)
		f->pap_rejected = true;
}

/* Exit 6: "Can't create lock file PATH: REASON" says which file and why. */
static void pppd_lock_failed(struct failure *f, const struct peer *p)
{
	const char *what = f->pppd_lock + strlen(PPPD_LOCK_FAILED);
	const char *sep = f->pppd_lock[0] ? strstr(what, ": ") : NULL;
	if (!sep) {
		failure_set(
		    f, FAILURE_SYSTEM,
		    "pppd could not lock its terminal (pppd exit 6); its message above says "
		    "why");
		return;
	}
	char fix[ERR_FIX_MAX];
	snprintf(fix, sizeof(fix),
	         "make sure its directory exists and root can write it (on Debian /var/lock is a "
	         "link to /run/lock, mode 1777), or add 'pppd-option nolock' to %s",
	         peer_file(p));
	failure_set_fix(f, FAILURE_SYSTEM, fix,
	                "pppd cannot create its lock file %.*s: %s (pppd exit 6)",
	                (int)(sep - what), what, sep + 2);
}

/* Exit 4: pppd could not open /dev/ppp.  Its own line says why; only a missing device or
 * driver means the kernel lacks PPP (a sandbox's device policy gives EPERM). */
static void pppd_no_device(struct failure *f)
{
	const char *why = f->pppd_dev;
	if (!why[0] || strcmp(why, "No such device") == 0 ||
	    strcmp(why, "No such device or address") == 0) {
		failure_set_fix(f, FAILURE_SYSTEM, "run modprobe ppp_generic ppp_async",
		                "pppd could not run (exit 4): the kernel lacks PPP support");
		return;
	}
	failure_set_fix(
	    f, FAILURE_SYSTEM,
	    strcmp(why, "No such file or directory") == 0
	        ? "create the device node (mknod /dev/ppp c 108 0)"
	        : "if sshdial runs under a sandbox (a systemd unit's PrivateDevices= or "
	          "DeviceAllow=, a container), let it use /dev/ppp",
	    "pppd could not open /dev/ppp: %s (pppd exit 4)", why);
}

void failure_from_pppd_exit(struct failure *f, const struct peer *p, int wstatus)
{
	if (!WIFEXITED(wstatus)) {
		failure_set(f, FAILURE_TRANSIENT, "pppd was killed by signal %d",
		            WTERMSIG(wstatus));
		return;
	}
	int code = WEXITSTATUS(wstatus);
	/* The server's pppd ends as soon as it has refused us, and its ssh session with it:
	 * our pppd may then see the hangup (exit 16) before its own exit 19. */
	if (f->pap_rejected)
		code = 19;
	char fix[ERR_FIX_MAX];
	switch (code) {
	case 0:
	case 5: /* sshdial asked it to stop, or ssh hung up first */
		failure_set(f, FAILURE_TRANSIENT, "pppd ended (status %d)", code);
		break;
	case 19:
		snprintf(fix, sizeof(fix), "check pap-user '%s' and its secret in %s",
		         or_default(peer_pap_user(p), "?"),
		         or_default(peer_secret_path(p), "the secrets file"));
		failure_set_fix(f, FAILURE_PERMANENT, fix,
		                "the server rejected our PAP authentication (pppd exit 19)");
		break;
	case 2:
		snprintf(fix, sizeof(fix), "check the pppd-option lines of %s", peer_file(p));
		failure_set_fix(f, FAILURE_CONFIG, fix,
		                "pppd refused its options (exit 2); its message above says which");
		break;
	case 4:
		pppd_no_device(f);
		break;
	case 1:
	case 3:
		failure_set(f, FAILURE_SYSTEM, "pppd could not run (exit %d): %s", code,
		            code == 3 ? "it is not setuid root or not run as root"
		                      : "a fatal error; its message above says which");
		break;
	case 6:
		pppd_lock_failed(f, p);
		break;
	case 7:
		failure_set(f, FAILURE_SYSTEM,
		            "pppd could not open its pseudo-terminal (pppd exit 7); its message "
		            "above says why");
		break;
	case 10:
		failure_set_fix(f, FAILURE_TRANSIENT,
		                "check that the server's forced command runs pppd",
		                "PPP negotiation failed (pppd exit 10)");
		break;
	case 15:
		failure_set(f, FAILURE_TRANSIENT,
		            "the server stopped answering LCP echo (pppd exit 15)");
		break;
	case 16:
		failure_set(f, FAILURE_TRANSIENT,
		            "the ssh connection closed (pppd exit 16, hangup)");
		break;
	default:
		failure_set(f, FAILURE_TRANSIENT, "pppd exited with status %d", code);
		break;
	}
}

const char *failure_class_name(enum failure_class cls)
{
	static const char *const names[] = {[FAILURE_NONE] = "none",
	                                    [FAILURE_TRANSIENT] = "transient",
	                                    [FAILURE_SYSTEM] = "system",
	                                    [FAILURE_CONFIG] = "configuration",
	                                    [FAILURE_PERMANENT] = "permanent"};
	_Static_assert(sizeof(names) / sizeof(names[0]) == FAILURE_CLASS_COUNT,
	               "a name for each failure class");
	return names[cls];
}
