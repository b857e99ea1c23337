/* The ssh side of `check`: see peer_checks.h.  ssh runs as local-user with BatchMode and
 * StrictHostKeyChecking (link/ssh_argv.c), so a key it cannot read or a host it does not
 * know ends the dial with status 2; these checks say so before the first dial.  Looking a
 * name up in known_hosts is ssh-keygen -F's (it knows hashed names), run within a deadline:
 * check is a command line tool, never the daemon's loop. */
#include "conf/peer_checks.h"

#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf/jump_spec.h"
#include "conf/known_hosts.h"
#include "conf/secret.h"
#include "lib/account.h"
#include "lib/run_bounded.h"

#define SSH_KEYGEN_PATH "/usr/bin/ssh-keygen"
#define KEYGEN_TIMEOUT_MS 30000

/* ssh's defaults when the peer names no file (ssh_config(5): IdentityFile,
 * UserKnownHostsFile, GlobalKnownHostsFile). */
static const char *const default_identities[] = {"~/.ssh/id_rsa", "~/.ssh/id_ecdsa",
                                                 "~/.ssh/id_ecdsa_sk", "~/.ssh/id_ed25519",
                                                 "~/.ssh/id_ed25519_sk"};
static const char *const default_user_known_hosts[] = {"~/.ssh/known_hosts", "~/.ssh/known_hosts2"};
static const char *const global_known_hosts[] = {"/etc/ssh/ssh_known_hosts",
                                                 "/etc/ssh/ssh_known_hosts2"};

struct who {
	const struct peer *p;
	const struct passwd *pw;
	struct diag *d;
	FILE *notes;
	bool blind; /* a known_hosts file this process cannot read: a missing key unproven */
};

/* '~/' as ssh expands it for local-user: that account's home. */
static void expand(const struct who *w, const char *path, char *buf, size_t len)
{
	if (path[0] == '~' && (path[1] == '/' || !path[1]))
		snprintf(buf, len, "%s%s", w->pw->pw_dir, path + 1);
	else
		snprintf(buf, len, "%s", path);
}

/* 0 when local-user can read path; else an errno value, or -1 when this process cannot
 * tell (a note says so). */
static int readable(const struct who *w, const char *path)
{
	int e = access_as(w->pw->pw_name, w->pw->pw_uid, w->pw->pw_gid, path, R_OK);
	if (e < 0 && w->notes)
		fprintf(w->notes,
		        "%s: %s: not checked whether %s can read it: run check as root or as %s\n",
		        peer_name(w->p), path, w->pw->pw_name, w->pw->pw_name);
	return e;
}

static void check_identity(const struct who *w)
{
	char path[4096];
	const char *user = w->pw->pw_name;
	if (!peer_identity(w->p)) {
		for (size_t i = 0; i < sizeof(default_identities) / sizeof(default_identities[0]);
		     i++) {
			expand(w, default_identities[i], path, sizeof(path));
			if (readable(w, path) <= 0 && access(path, F_OK) == 0)
				return;
		}
		diag_add(
		    w->d, peer_file(w->p), 0,
		    "no identity: the file names none and %s has none of ssh's default keys "
		    "(~/.ssh/id_ed25519, ...) that it can read; write 'identity PATH' naming a "
		    "key %s can read, or make one with 'sshdial init'",
		    user, user);
		return;
	}
	expand(w, peer_identity(w->p), path, sizeof(path));
	struct stat st;
	if (stat(path, &st) != 0 && errno == ENOENT) {
		diag_add(
		    w->d, peer_file(w->p), 0,
		    "identity %s: no such file; make the key (ssh-keygen -t ed25519 -f %s, then "
		    "chown %s and chmod 600 it) or run 'sshdial init'",
		    path, path, user);
		return;
	}
	int e = readable(w, path);
	if (e > 0) {
		diag_add(w->d, peer_file(w->p), 0,
		         "identity %s: %s cannot read it (%s); ssh runs as %s: chown %s %s and "
		         "chmod 600 it",
		         path, user, strerror(e), user, user, path);
	} else if (e == 0 && stat(path, &st) == 0 && st.st_uid == w->pw->pw_uid &&
	           (st.st_mode & 077)) {
		diag_add(w->d, peer_file(w->p), 0,
		         "identity %s: group or others may read it, and ssh refuses such a key of "
		         "its own account: chmod 600 %s",
		         path, path);
	}
}

/* Whether file names host: ssh-keygen -F exits 0 when it finds it. */
static bool file_knows(const char *file, const char *name)
{
	const char *argv[] = {"ssh-keygen", "-F", name, "-f", file, NULL};
	struct run_result r;
	if (run_bounded(SSH_KEYGEN_PATH, argv, NULL, 0, KEYGEN_TIMEOUT_MS, &r) < 0)
		return false;
	return !r.timed_out && WIFEXITED(r.wstatus) && WEXITSTATUS(r.wstatus) == 0;
}

/* The files ssh reads host keys from, those that exist and local-user can read; an
 * unreadable one of the peer's own is an error. */
static struct strv *known_hosts_files(struct who *w)
{
	struct strv *files = strv_new();
	char path[4096];
	const char *own = peer_known_hosts(w->p);
	size_t n = own ? 1 : sizeof(default_user_known_hosts) / sizeof(default_user_known_hosts[0]);
	for (size_t i = 0; i < n; i++) {
		expand(w, own ? own : default_user_known_hosts[i], path, sizeof(path));
		if (access(path, F_OK) != 0 && errno == ENOENT) {
			if (own)
				diag_add(
				    w->d, peer_file(w->p), 0,
				    "known-hosts %s: no such file; write the server's host key "
				    "there (ssh-keyscan, after checking its fingerprint) or run "
				    "'sshdial init'",
				    path);
			continue;
		}
		int e = readable(w, path);
		if (e > 0)
			diag_add(w->d, peer_file(w->p), 0,
			         "known-hosts %s: %s cannot read it (%s); ssh runs as %s: make it "
			         "readable by %s (mode 644 is fine: host keys are public)",
			         path, w->pw->pw_name, strerror(e), w->pw->pw_name, w->pw->pw_name);
		else if (access(path, R_OK) != 0)
			w->blind = true;
		else
			strv_push(files, path);
	}
	for (size_t i = 0; i < sizeof(global_known_hosts) / sizeof(global_known_hosts[0]); i++)
		if (access(global_known_hosts[i], R_OK) == 0)
			strv_push(files, global_known_hosts[i]);
	return files;
}

static void check_host(const struct who *w, const struct strv *files, const char *what,
                       const char *host, unsigned port)
{
	char name[300];
	known_hosts_name(name, sizeof(name), host, port);
	for (size_t i = 0; i < strv_len(files); i++)
		if (file_knows(strv_get(files, i), name))
			return;
	if (w->blind) {
		if (w->notes)
			fprintf(w->notes, "%s: %s: host key not checked: run check as root\n",
			        peer_name(w->p), name);
		return;
	}
	char where[4096] = "";
	if (peer_known_hosts(w->p))
		expand(w, peer_known_hosts(w->p), where, sizeof(where));
	else
		snprintf(where, sizeof(where), "%s/.ssh/known_hosts", w->pw->pw_dir);
	diag_add(w->d, peer_file(w->p), 0,
	         "%s %s: no host key for '%s' in the known_hosts that ssh reads as %s (%s), and "
	         "ssh refuses an unknown server: add its key there after checking its fingerprint "
	         "(ssh-keyscan%s%.0u %s), or run 'sshdial init'",
	         what, host, name, w->pw->pw_name, where, port ? " -p " : "", port, host);
}

/* What only this machine can tell: the account exists (and, for route-all, is the link's
 * alone), the secret can be found.  The
 * secret is looked up only where this user may read it (check need not run as root). */
static void check_system(const struct peer *p, struct diag *d)
{
	const char *user = peer_local_user(p);
	const struct passwd *pw = user ? getpwnam(user) : NULL;
	if (user && !pw)
		diag_add(d, peer_file(p), 0,
		         "local-user: there is no account '%s' on this system; name an existing "
		         "one",
		         user);
	if (pw && peer_route_all(p)) {
		struct account_use use;
		char why[400];
		account_use_scan((uint32_t)pw->pw_uid, &use);
		if (account_refusal(user, (uint32_t)pw->pw_uid, &use, why, sizeof(why)))
			diag_add(d, peer_file(p), 0, "%s", why);
	}
	const char *path = peer_secret_path(p);
	if (peer_secret_source(p) == SECRET_NONE || !path || access(path, R_OK) != 0)
		return;
	char secret[SECRET_MAX];
	(void)secret_read_diag(p, secret, sizeof(secret), d);
	explicit_bzero(secret, sizeof(secret));
}

struct peer *peer_check_load(const char *name_or_path, const char *peers_dir, struct diag *d,
                             FILE *notes)
{
	struct peer *p = peer_load(name_or_path, peers_dir, NULL, NULL, d);
	if (p) {
		check_system(p, d);
		peer_check_ssh_files(p, d, notes);
	}
	return p;
}

void peer_check_ssh_files(const struct peer *p, struct diag *d, FILE *notes)
{
	/* A pty command (a classic pppd peer file) runs its own ssh as it was written. */
	if (peer_pty_command(p) || !peer_local_user(p))
		return;
	const struct passwd *found = getpwnam(peer_local_user(p));
	if (!found)
		return; /* check_system says so */
	struct passwd pw = *found;
	struct who w = {.p = p, .pw = &pw, .d = d, .notes = notes};
	check_identity(&w);
	struct strv *files = known_hosts_files(&w);
	for (size_t i = 0; i < peer_server_count(p); i++)
		check_host(&w, files, "host", peer_server_host(p, i), peer_server_port(p, i));
	for (size_t i = 0; i < peer_jump_count(p); i++)
		check_host(&w, files, "jump", peer_jump(p, i)->host, peer_jump(p, i)->port);
	strv_free(files);
}
