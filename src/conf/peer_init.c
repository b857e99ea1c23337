/* sshdial init's work: a working peer from a few facts.  Fetches the server's host key
 * (ssh-keyscan) and has it confirmed, makes the peer's key for its local account, writes
 * the peer's known_hosts and peer file, runs check's checks on the result (peer_checks.h),
 * and prints the public key and the command that authorizes it on the server.  Every file
 * is written under a temporary name and renamed into place; an old one that force replaces
 * is kept under a hidden name until the checks pass, so a failure puts back exactly what
 * was there.  For a command line tool: the external tools run here, each within a
 * deadline. */
#include "conf/peer_init.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf/config.h"
#include "conf/known_hosts.h"
#include "conf/peer_checks.h"
#include "lib/diag.h"
#include "lib/file_set.h"
#include "lib/log.h"
#include "lib/run_bounded.h"

#define SSH_KEYSCAN_PATH "/usr/bin/ssh-keyscan"
#define SSH_KEYGEN_PATH "/usr/bin/ssh-keygen"
/* Generous: a slow or loaded server (or an emulated one) may take long over its key
 * exchange; ssh-keyscan's own -T bounds each wait inside it. */
#define KEYSCAN_TIMEOUT_MS 120000
#define KEYGEN_TIMEOUT_MS 20000
#define PATH_LEN 4096

struct init {
	struct peer_init_spec s;
	struct passwd pw;
	char pub[PATH_LEN + 8]; /* the public key's file */
	char key[PATH_LEN];     /* the private key, as the peer file names it */
	char kh[PATH_LEN];      /* the peer's known_hosts */
	char file[PATH_LEN];    /* the peer file */
	struct file_set *files; /* what this run put into place */
};

/* What can be told before anything is fetched or written. */
static int validate(struct init *in)
{
	if (!peer_name_valid(in->s.peer)) {
		log_error("init: '%s' is not a peer name: use 1-32 letters, digits, '.', '_' and "
		          "'-', not starting with '.'",
		          in->s.peer);
		return EXIT_CONFIG;
	}
	if (!in->s.host || !in->s.ssh_user || !in->s.local_user) {
		log_error("init %s: --host, --ssh-user and --local-user are needed", in->s.peer);
		return EXIT_CONFIG;
	}
	if (in->s.accept_new && in->s.fingerprint) {
		log_error("init %s: --accept-new-host-key and --host-key-fingerprint exclude each "
		          "other: give one",
		          in->s.peer);
		return EXIT_CONFIG;
	}
	if (in->s.identity && in->s.identity[0] != '/') {
		log_error("init %s: --identity %s: give an absolute path", in->s.peer,
		          in->s.identity);
		return EXIT_CONFIG;
	}
	const struct passwd *pw = getpwnam(in->s.local_user);
	if (!pw) {
		log_error("init %s: --local-user %s: there is no such account; make it first "
		          "(useradd --system --create-home %s)",
		          in->s.peer, in->s.local_user, in->s.local_user);
		return EXIT_CONFIG;
	}
	in->pw = *pw;
	if (geteuid() != 0) {
		log_error("init %s: run it as root: it writes root's configuration and a key owned "
		          "by %s",
		          in->s.peer, in->s.local_user);
		return EXIT_SYSTEM;
	}
	snprintf(in->file, sizeof(in->file), "%s/%s", in->s.peers_dir, in->s.peer);
	snprintf(in->kh, sizeof(in->kh), "%s/%s.known_hosts", in->s.keys_dir, in->s.peer);
	if (in->s.identity)
		snprintf(in->key, sizeof(in->key), "%s", in->s.identity);
	else
		snprintf(in->key, sizeof(in->key), "%s/%s", in->s.keys_dir, in->s.peer);
	snprintf(in->pub, sizeof(in->pub), "%s.pub", in->key);
	if (!in->s.force && access(in->file, F_OK) == 0) {
		log_error("init %s: %s exists; pass --force to replace it", in->s.peer, in->file);
		return EXIT_CONFIG;
	}
	if (!in->s.force && !in->s.identity && access(in->key, F_OK) == 0) {
		log_error("init %s: the key %s exists; pass --identity %s to use it, or --force",
		          in->s.peer, in->key, in->key);
		return EXIT_CONFIG;
	}
	if (in->s.identity && access(in->s.identity, F_OK) != 0) {
		log_error("init %s: --identity %s: %s; name an existing private key, or leave "
		          "--identity out to have one made",
		          in->s.peer, in->s.identity, strerror(errno));
		return EXIT_CONFIG;
	}
	return EXIT_OK;
}

/* A value for the peer file: as it is when plain, else in single quotes (words.h). */
static bool quoted(char *buf, size_t len, const char *v)
{
	if (!*v || strpbrk(v, "'\n\r"))
		return false;
	if (strpbrk(v, " \t\"\\#"))
		snprintf(buf, len, "'%s'", v);
	else
		snprintf(buf, len, "%s", v);
	return true;
}

static char *peer_text(const struct init *in)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	if (!f)
		return NULL;
	const char *kw[] = {"host", "ssh-user", "local-user", "identity", "known-hosts"};
	const char *val[] = {in->s.host, in->s.ssh_user, in->s.local_user, in->key, in->kh};
	char q[PATH_LEN + 3];
	bool ok = true;
	fprintf(f, "# written by sshdial init; see sshdial-peer(5)\n");
	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
		ok = ok && quoted(q, sizeof(q), val[i]);
		fprintf(f, "%s %s\n", kw[i], q);
	}
	if (in->s.port)
		fprintf(f, "port %u\n", in->s.port);
	for (size_t i = 0; i < strv_len(in->s.routes); i++) {
		ok = ok && quoted(q, sizeof(q), strv_get(in->s.routes, i));
		fprintf(f, "route %s\n", q);
	}
	if (in->s.route_all)
		fprintf(f, "route-all yes\n");
	fclose(f);
	if (!ok) {
		log_error(
		    "init %s: a value holds a quote or a line break, which a peer file cannot "
		    "carry",
		    in->s.peer);
		free(text);
		return NULL;
	}
	return text;
}

/* The peer file read back as `call` reads it, before anything is written. */
static bool peer_text_valid(const struct init *in, const char *text)
{
	struct diag *d = diag_new();
	struct config_reader *r = config_read_init(in->s.peer, in->file, d);
	unsigned lineno = 0;
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");
		char line[PATH_LEN + 64];
		snprintf(line, sizeof(line), "%.*s", (int)n, l);
		config_read_line(r, line, ++lineno);
		l += n + (l[n] == '\n');
	}
	struct peer *p = config_read_finish(r);
	diag_print(d, stderr);
	bool ok = p && diag_count(d) == 0;
	peer_free(p);
	diag_free(d);
	return ok;
}

static bool ran_ok(const struct run_result *r)
{
	return !r->timed_out && WIFEXITED(r->wstatus) && WEXITSTATUS(r->wstatus) == 0;
}

/* The server's host keys, one known_hosts line each. */
static struct strv *scan_host(const struct init *in)
{
	char port[16];
	snprintf(port, sizeof(port), "%u", in->s.port ? in->s.port : SSH_DEFAULT_PORT);
	const char *argv[] = {"ssh-keyscan",       "-T", "90",       "-p", port, "-t",
	                      "ed25519,ecdsa,rsa", "--", in->s.host, NULL};
	struct run_result r;
	if (run_bounded(SSH_KEYSCAN_PATH, argv, NULL, 0, KEYSCAN_TIMEOUT_MS, &r) < 0) {
		log_error("init %s: cannot run %s: %s", in->s.peer, SSH_KEYSCAN_PATH,
		          strerror(errno));
		return NULL;
	}
	struct strv *lines = known_hosts_scan_lines(r.out);
	if (strv_len(lines) == 0) {
		r.out[strcspn(r.out, "\n")] = '\0';
		log_error("init %s: no host key from %s port %s%s%s%s; is sshd listening there?",
		          in->s.peer, in->s.host, port, r.timed_out ? " within 120 s" : "",
		          r.out[0] ? ": " : "", r.out);
		strv_free(lines);
		return NULL;
	}
	return lines;
}

static bool fingerprint_of(const char *line, char *fp, size_t len)
{
	const char *argv[] = {"ssh-keygen", "-l", "-E", "sha256", "-f", "-", NULL};
	struct run_result r;
	char in[8192];
	snprintf(in, sizeof(in), "%s\n", line);
	return run_bounded(SSH_KEYGEN_PATH, argv, in, strlen(in), KEYGEN_TIMEOUT_MS, &r) == 0 &&
	       ran_ok(&r) && known_hosts_fingerprint(r.out, fp, len);
}

/* "yes" typed on the terminal. */
static bool asked_yes(void)
{
	char answer[32];
	fprintf(stderr, "Trust this server and write its key? (yes/no) ");
	fflush(stderr);
	if (!fgets(answer, sizeof(answer), stdin))
		return false;
	answer[strcspn(answer, "\r\n")] = '\0';
	return strcmp(answer, "yes") == 0 || strcmp(answer, "y") == 0;
}

/* The keys to trust, or NULL with the exit status in *status. */
static struct strv *trusted_keys(const struct init *in, int *status)
{
	*status = EXIT_PERMANENT;
	struct strv *scanned = scan_host(in);
	if (!scanned)
		return NULL;
	struct strv *keep = strv_new(), *fps = strv_new();
	for (size_t i = 0; i < strv_len(scanned); i++) {
		char fp[128];
		if (!fingerprint_of(strv_get(scanned, i), fp, sizeof(fp)))
			continue;
		char type[64] = "";
		sscanf(strv_get(scanned, i), "%*s %63s", type);
		strv_pushf(fps, "%s (%s)", fp, type);
		if (!in->s.fingerprint || known_hosts_fingerprint_matches(in->s.fingerprint, fp))
			strv_push(keep, strv_get(scanned, i));
	}
	strv_free(scanned);
	bool ok = strv_len(keep) > 0;
	if (in->s.fingerprint && !ok) {
		fprintf(stderr,
		        "sshdial: init %s: the host key of %s does not match %s; the server "
		        "offers:\n",
		        in->s.peer, in->s.host, in->s.fingerprint);
		for (size_t i = 0; i < strv_len(fps); i++)
			fprintf(stderr, "    %s\n", strv_get(fps, i));
		fprintf(stderr,
		        "sshdial: init %s: nothing written; check the fingerprint on the "
		        "server (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub)\n",
		        in->s.peer);
	} else if (!in->s.fingerprint && !in->s.accept_new && ok) {
		fprintf(stderr, "The host key of %s port %u:\n", in->s.host,
		        in->s.port ? in->s.port : SSH_DEFAULT_PORT);
		for (size_t i = 0; i < strv_len(fps); i++)
			fprintf(stderr, "    %s\n", strv_get(fps, i));
		if (!isatty(STDIN_FILENO)) {
			log_error(
			    "init %s: no terminal to ask whether to trust it: pass "
			    "--host-key-fingerprint SHA256:... after checking it on the server "
			    "(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), or "
			    "--accept-new-host-key",
			    in->s.peer);
			*status = EXIT_CONFIG;
			ok = false;
		} else if (!asked_yes()) {
			log_error("init %s: the host key was not trusted; nothing written",
			          in->s.peer);
			ok = false;
		}
	} else if (!ok) {
		log_error("init %s: cannot fingerprint the host keys of %s with %s", in->s.peer,
		          in->s.host, SSH_KEYGEN_PATH);
	}
	strv_free(fps);
	if (!ok) {
		strv_free(keep);
		return NULL;
	}
	return keep;
}

/* dir and the directories above it that are missing, root's, mode 0755 (mkdir -p). */
static int make_dir(const char *dir)
{
	char path[PATH_LEN];
	snprintf(path, sizeof(path), "%s", dir);
	for (char *slash = path + 1;; slash++) {
		bool last = !*slash;
		if (*slash != '/' && !last)
			continue;
		*slash = '\0';
		/* chmod: a umask must not keep local-user out of its key's directory. */
		bool made = mkdir(path, 0755) == 0;
		if (made ? chmod(path, 0755) < 0 : errno != EEXIST) {
			log_error("init: cannot make %s: %s", path, strerror(errno));
			return -1;
		}
		if (last)
			return 0;
		*slash = '/';
	}
}

/* A new ed25519 key owned by the local account, placed at in->key and in->pub. */
static int make_key(const struct init *in)
{
	char tmp[PATH_LEN + 32], tmp_pub[PATH_LEN + 40], comment[128], host[64] = "localhost";
	file_set_tmp_name(in->files, tmp, sizeof(tmp), in->key);
	snprintf(tmp_pub, sizeof(tmp_pub), "%s.pub", tmp);
	(void)unlink(tmp);
	(void)unlink(tmp_pub);
	(void)gethostname(host, sizeof(host) - 1);
	snprintf(comment, sizeof(comment), "sshdial-%s@%s", in->s.peer, host);
	const char *argv[] = {"ssh-keygen", "-q",    "-t", "ed25519", "-N", "",
	                      "-C",         comment, "-f", tmp,       NULL};
	struct run_result r;
	if (run_bounded(SSH_KEYGEN_PATH, argv, NULL, 0, KEYGEN_TIMEOUT_MS, &r) < 0 || !ran_ok(&r)) {
		log_error("init %s: ssh-keygen could not make %s: %s", in->s.peer, tmp,
		          run_first_line(&r));
		goto fail;
	}
	if (chown(tmp, in->pw.pw_uid, in->pw.pw_gid) < 0 || chmod(tmp, 0600) < 0 ||
	    chown(tmp_pub, in->pw.pw_uid, in->pw.pw_gid) < 0 || chmod(tmp_pub, 0644) < 0) {
		log_error("init %s: cannot give %s to %s: %s", in->s.peer, tmp, in->s.local_user,
		          strerror(errno));
		goto fail;
	}
	if (file_set_place(in->files, tmp_pub, in->pub) < 0)
		goto fail;
	if (file_set_place(in->files, tmp, in->key) < 0)
		goto fail;
	return 0;
fail:
	(void)unlink(tmp);
	(void)unlink(tmp_pub);
	return -1;
}

/* The public key's one line: from PATH.pub, else derived from the private key. */
static bool public_key(const struct init *in, char *buf, size_t len)
{
	FILE *f = fopen(in->pub, "re");
	bool ok = false;
	if (f) {
		ok = fgets(buf, (int)len, f) != NULL;
		fclose(f);
	} else {
		const char *argv[] = {"ssh-keygen", "-y", "-P", "", "-f", in->key, NULL};
		struct run_result r;
		ok = run_bounded(SSH_KEYGEN_PATH, argv, NULL, 0, KEYGEN_TIMEOUT_MS, &r) == 0 &&
		     ran_ok(&r);
		snprintf(buf, len, "%s", r.out);
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	bool looks = strncmp(buf, "ssh-", 4) == 0 || strncmp(buf, "ecdsa-", 6) == 0 ||
	             strncmp(buf, "sk-", 3) == 0;
	if (!ok || !looks || strchr(buf, '\'')) {
		log_error("init %s: cannot read the public key of %s (%s, or ssh-keygen -y); is it "
		          "a private key without a passphrase?",
		          in->s.peer, in->key, in->pub);
		return false;
	}
	return true;
}

static int write_all_files(const struct init *in, const struct strv *keys, const char *text)
{
	if (make_dir(in->s.peers_dir) < 0 || make_dir(in->s.keys_dir) < 0)
		return -1;
	if (!in->s.identity && !(in->s.force && access(in->key, F_OK) == 0) && make_key(in) < 0)
		return -1;
	if (!in->s.identity && chown(in->key, in->pw.pw_uid, in->pw.pw_gid) < 0) {
		log_error("init %s: cannot give %s to %s: %s", in->s.peer, in->key,
		          in->s.local_user, strerror(errno));
		return -1;
	}
	char *kh = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&kh, &size);
	if (!f)
		return -1;
	for (size_t i = 0; i < strv_len(keys); i++)
		fprintf(f, "%s\n", strv_get(keys, i));
	fclose(f);
	int rc = file_set_write(in->files, in->kh, kh, 0644);
	free(kh);
	return rc < 0 ? -1 : file_set_write(in->files, in->file, text, 0644);
}

static void print_next_steps(const struct init *in, const char *pub)
{
	printf("%s\n", pub);
	printf("echo '%s' | sshdial authorize --name %s --key /dev/stdin >> ~%s/.ssh/"
	       "authorized_keys\n",
	       pub, in->s.peer, in->s.ssh_user);
	fprintf(stderr,
	        "sshdial: %s: written %s, key %s, known hosts %s.\n"
	        "Run the command above on %s, as root or %s (with server.conf set up as "
	        "sshdial-server(5) says), then: sudo sshdial call %s\n",
	        in->s.peer, in->file, in->key, in->kh, in->s.host, in->s.ssh_user, in->s.peer);
}

static int run(struct init *in)
{
	int status = validate(in);
	if (status != EXIT_OK)
		return status;
	char *text = peer_text(in);
	if (!text)
		return EXIT_CONFIG;
	if (!peer_text_valid(in, text)) {
		free(text);
		return EXIT_CONFIG;
	}
	struct strv *keys = trusted_keys(in, &status);
	if (!keys) {
		free(text);
		return status;
	}
	char pub[8192];
	status = EXIT_SYSTEM;
	in->files = file_set_new("init");
	if (write_all_files(in, keys, text) == 0 && public_key(in, pub, sizeof(pub))) {
		struct diag *d = diag_new();
		struct peer *p = peer_check_load(in->s.peer, in->s.peers_dir, d, stderr);
		diag_print(d, stderr);
		status = p && diag_count(d) == 0 ? EXIT_OK : EXIT_CONFIG;
		if (status != EXIT_OK)
			log_error("init %s: the checks above failed; nothing written", in->s.peer);
		peer_free(p);
		diag_free(d);
	}
	if (status == EXIT_OK) {
		file_set_keep(in->files);
		print_next_steps(in, pub);
	} else {
		file_set_undo(in->files);
	}
	strv_free(keys);
	free(text);
	return status;
}

enum exit_status peer_init(const struct peer_init_spec *spec)
{
	struct init in = {.s = *spec};
	return run(&in);
}
