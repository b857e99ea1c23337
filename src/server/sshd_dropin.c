#include "server/sshd_dropin.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/log.h"
#include "lib/textbuf.h"
#include "lib/xalloc.h"

static char *dropin_text(const char *group)
{
	return xasprintf(
	    "# Written by 'sshdial authorize --install'; run it again rather than editing.\n"
	    "# The accounts that run 'sshdial serve' (group %s): their keys may be given TCP\n"
	    "# forwards (permitopen, permitlisten), which sshd cannot limit for unix sockets,\n"
	    "# so sshd gives them no unix-socket forwarding, tunnel, X11 or agent forwarding.\n"
	    "# See sshdial-server(5).\n"
	    "Match Group %s\n"
	    "\tAllowStreamLocalForwarding no\n"
	    "\tPermitTunnel no\n"
	    "\tX11Forwarding no\n"
	    "\tAllowAgentForwarding no\n",
	    group, group);
}

/* Runs sshd with args (NULL terminated), its stdout and stderr into out; its wait status,
 * or -1 when it could not be started. */
static int run_sshd(const char *const *args, struct textbuf *out)
{
	const char *argv[8] = {"sshd"};
	size_t n = 1;
	for (; args[n - 1] && n < 7; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		execv(SSHD_PATH, (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", SSHD_PATH, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	char buf[4096];
	ssize_t r;
	while ((r = read(p[0], buf, sizeof(buf))) > 0 || (r < 0 && errno == EINTR))
		if (r > 0)
			textbuf_printf(out, "%.*s", (int)r, buf);
	close(p[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/* 'sshd -t': true when sshd accepts its configuration; else its first line in why. */
static bool sshd_accepts(char *why, size_t len)
{
	struct textbuf out = {0};
	int st = run_sshd((const char *const[]){"-t", NULL}, &out);
	bool ok = st == 0;
	if (!ok) {
		const char *text = out.data ? out.data : "";
		if (st < 0)
			snprintf(why, len, "cannot run %s: %s", SSHD_PATH, strerror(errno));
		else
			snprintf(why, len, "%.*s", (int)strcspn(text, "\n"),
			         text[0] ? text : "it said nothing");
	}
	textbuf_free(&out);
	return ok;
}

/* The file's whole text, or NULL (errno ENOENT when there is none). */
static char *read_text(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	struct textbuf t = {0};
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		textbuf_printf(&t, "%.*s", (int)n, buf);
	fclose(f);
	return t.data ? t.data : xstrdup("");
}

static int write_text(const char *path, const char *text)
{
	char tmp[sizeof(SSHD_DROPIN) + 16];
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	FILE *f = fopen(tmp, "we");
	if (!f)
		return -1;
	fputs(text, f);
	if (fchmod(fileno(f), 0644) < 0 || fclose(f) != 0 || rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

/* Whether an Include line of sshd_config names the drop-in (a glob, relative paths from
 * /etc/ssh, as sshd reads them). */
static bool config_includes_dropin(void)
{
	char *text = read_text(SSHD_CONFIG);
	bool found = false;
	char *save = NULL;
	for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		if (strncasecmp(line, "Include", 7) != 0 || !strchr(" \t", line[7]))
			continue;
		char *wsave = NULL;
		for (char *w = strtok_r(line + 7, " \t\r", &wsave); w && !found;
		     w = strtok_r(NULL, " \t\r", &wsave)) {
			char pattern[4096];
			snprintf(pattern, sizeof(pattern), "%s%s", w[0] == '/' ? "" : "/etc/ssh/",
			         w);
			found = fnmatch(pattern, SSHD_DROPIN, FNM_PATHNAME) == 0;
		}
	}
	free(text);
	return found;
}

/* 'sshd -T' for each member of group: the value sshd would really use. */
static void check_members(const char *group)
{
	const struct group *g = getgrnam(group);
	for (size_t i = 0; g && g->gr_mem && g->gr_mem[i]; i++) {
		char spec[512];
		snprintf(spec, sizeof(spec), "user=%s,host=sshdial-check,addr=127.0.0.1",
		         g->gr_mem[i]);
		struct textbuf out = {0};
		int st = run_sshd((const char *const[]){"-T", "-C", spec, NULL}, &out);
		const char *text = out.data ? out.data : "";
		const char *at = strstr(text, "\nallowstreamlocalforwarding ");
		if (st == 0 && at) {
			at += strlen("\nallowstreamlocalforwarding ");
			if (strncmp(at, "no\n", 3) != 0)
				log_warn(
				    "sshd -T: account %s still gets allowstreamlocalforwarding "
				    "%.*s: an earlier line of sshd's configuration wins over %s "
				    "(sshd keeps the first value); remove or change that line",
				    g->gr_mem[i], (int)strcspn(at, "\n"), at, SSHD_DROPIN);
			else
				printf("sshd -T: account %s gets none of them\n", g->gr_mem[i]);
		} else {
			log_warn("cannot check account %s with '%s -T -C %s': %.*s", g->gr_mem[i],
			         SSHD_PATH, spec, (int)strcspn(text, "\n"), text);
		}
		textbuf_free(&out);
	}
}

int sshd_dropin_install(const char *group)
{
	char why[512];
	if (access(SSHD_PATH, X_OK) < 0) {
		log_warn("%s: %s; %s not written: if sshd lives elsewhere, give the serve "
		         "accounts 'AllowStreamLocalForwarding no', 'PermitTunnel no', "
		         "'X11Forwarding no' and 'AllowAgentForwarding no' in its configuration",
		         SSHD_PATH, strerror(errno), SSHD_DROPIN);
		return 0;
	}
	char *want = dropin_text(group);
	errno = 0;
	char *old = read_text(SSHD_DROPIN);
	int status = -1;
	if (!old && errno != ENOENT) {
		err_log_errno(errno, "cannot read %s", SSHD_DROPIN);
	} else if (old && strcmp(old, want) == 0) {
		printf("%s (sshd: unchanged)\n", SSHD_DROPIN);
		status = 0;
	} else if (!sshd_accepts(why, sizeof(why))) {
		log_error("'%s -t' fails already, before %s is written (sshd: %s); fix sshd's "
		          "configuration, then run 'sshdial authorize --install' again",
		          SSHD_PATH, SSHD_DROPIN, why);
	} else if (mkdir(SSHD_DROPIN_DIR, 0755) < 0 && errno != EEXIST) {
		err_log_errno(errno, "cannot create %s", SSHD_DROPIN_DIR);
	} else if (write_text(SSHD_DROPIN, want) < 0) {
		err_log_errno(errno, "cannot write %s", SSHD_DROPIN);
	} else if (!sshd_accepts(why, sizeof(why))) {
		bool back = old ? write_text(SSHD_DROPIN, old) == 0 : unlink(SSHD_DROPIN) == 0;
		log_error("sshd refuses its configuration with %s (sshd: %s); %s", SSHD_DROPIN, why,
		          back ? "put back as it was" : "and it could not be put back: remove it");
	} else {
		printf("%s (sshd: no unix-socket forwarding, tunnel, X11 or agent forwarding "
		       "for group %s; 'systemctl reload ssh' makes sshd read it)\n",
		       SSHD_DROPIN, group);
		status = 0;
	}
	if (status == 0 && !config_includes_dropin())
		log_warn("%s has no 'Include %s/*.conf': sshd does not read %s; add that line at "
		         "the top of %s",
		         SSHD_CONFIG, SSHD_DROPIN_DIR, SSHD_DROPIN, SSHD_CONFIG);
	else if (status == 0)
		check_members(group);
	free(old);
	free(want);
	return status;
}
