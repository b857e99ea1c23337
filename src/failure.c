#include "failure.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "commands.h"

void failure_clear(struct failure *f)
{
	f->cls = FAILURE_NONE;
	f->reason[0] = 0;
}

void failure_set(struct failure *f, enum failure_class cls, const char *fmt, ...)
{
	if (cls <= f->cls)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
	va_end(ap);
	f->cls = cls;
}

static const char *or_default(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

void failure_from_ssh_line(struct failure *f, const struct peer *p, const char *line)
{
	if (strstr(line, "Host key verification failed")) {
		failure_set(f, FAILURE_PERMANENT,
		            "host key verification failed for '%s': its key is missing from or "
		            "differs from %s; check the server's key and add it",
		            or_default(peer_host(p), "the server"),
		            or_default(peer_known_hosts(p), "the local user's known_hosts"));
	} else if (strstr(line, "Permission denied")) {
		failure_set(f, FAILURE_PERMANENT,
		            "the ssh server refused the login (Permission denied): check identity "
		            "and ssh-user in %s and the server's authorized_keys",
		            peer_file(p));
	} else if (strstr(line, "Connection refused") || strstr(line, "timed out") ||
	           strstr(line, "No route to host") || strstr(line, "Network is unreachable") ||
	           strstr(line, "Could not resolve hostname")) {
		failure_set(f, FAILURE_TRANSIENT, "ssh: %s", line);
	}
}

void failure_from_pppd_line(struct failure *f, const char *line)
{
	/* pppd then exits 16 (hangup) as if ssh had closed: the log line says why. */
	if (strstr(line, "No response to") && strstr(line, "echo-requests"))
		failure_set(f, FAILURE_TRANSIENT,
		            "the server stopped answering LCP echo requests (pppd: %s)", line);
}

void failure_from_pppd_exit(struct failure *f, const struct peer *p, int wstatus)
{
	if (!WIFEXITED(wstatus)) {
		failure_set(f, FAILURE_TRANSIENT, "pppd was killed by signal %d",
		            WTERMSIG(wstatus));
		return;
	}
	int code = WEXITSTATUS(wstatus);
	switch (code) {
	case 0:
	case 5: /* sshdial asked it to stop, or ssh hung up first */
		failure_set(f, FAILURE_TRANSIENT, "pppd ended (status %d)", code);
		break;
	case 19:
		failure_set(f, FAILURE_PERMANENT,
		            "the server rejected our PAP authentication (pppd exit 19): check "
		            "pap-user '%s' and its secret in %s",
		            or_default(peer_pap_user(p), "?"),
		            or_default(peer_secret_path(p), "the secrets file"));
		break;
	case 2:
		failure_set(f, FAILURE_CONFIG,
		            "pppd refused its options (exit 2); its message above says which; "
		            "check the pppd-option lines of %s",
		            peer_file(p));
		break;
	case 1:
	case 3:
	case 4:
		failure_set(f, FAILURE_SYSTEM, "pppd could not run (exit %d): %s", code,
		            code == 4
		                ? "the kernel lacks PPP support (modprobe ppp_generic ppp_async)"
		            : code == 3 ? "it is not setuid root or not run as root"
		                        : "a fatal error; its message above says which");
		break;
	case 10:
		failure_set(f, FAILURE_TRANSIENT,
		            "PPP negotiation failed (pppd exit 10): is the server's forced command "
		            "running pppd?");
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

int failure_exit_status(const struct failure *f)
{
	switch (f->cls) {
	case FAILURE_PERMANENT:
		return EXIT_PERMANENT;
	case FAILURE_CONFIG:
		return EXIT_CONFIG;
	case FAILURE_SYSTEM:
		return EXIT_SYSTEM;
	default:
		return EXIT_OK;
	}
}

const char *failure_class_name(enum failure_class cls)
{
	static const char *const names[] = {"none", "transient", "system", "configuration",
	                                    "permanent"};
	return names[cls];
}
