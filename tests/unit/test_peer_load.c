#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assert_diag.h"

#include <string.h>

#include "cmd/commands.h"
#include "conf/config.h"
#include "tmpdir.h"

/* Finding and loading peer files: names, the search path, size limits, the trust checks,
 * and `sshdial check` applying them.  (The parser itself: test_config.c.) */

/* The minimum a valid ssh peer needs. */
#define BASE "host server\nlocal-user alice\n"

static void test_peer_names(void **state)
{
	(void)state;
	assert_true(peer_name_valid("office"));
	assert_true(peer_name_valid("a.b_c-9"));
	assert_true(peer_name_valid("abcdefghijklmnopqrstuvwxyz012345"));
	assert_false(peer_name_valid("abcdefghijklmnopqrstuvwxyz0123456"));
	assert_false(peer_name_valid(".hidden"));
	assert_false(peer_name_valid(""));
	assert_false(peer_name_valid("a b"));
	assert_false(peer_name_valid("a/b"));
}

static void test_peer_load(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	char *own = tmpdir_subdir(dir, "peers");
	char *ppp = tmpdir_subdir(dir, "ppp");
	char *secrets = tmpdir_file(dir, "pap-secrets", "pppuser * pw\n", 0600);
	free(tmpdir_file(own, "office", BASE, 0644));
	free(tmpdir_file(ppp, "office", "pty 'not used'\n", 0644));
	free(tmpdir_file(ppp, "legacy", "pty 'ssh -e none pppuser@server false'\nuser pppuser\n",
	                 0644));
	struct diag *d = diag_new();

	/* sshdial's directory first. */
	struct peer *p = peer_load_trusting("office", own, ppp, secrets, getuid(), d);
	assert_int_equal(diag_count(d), 0);
	assert_non_null(p);
	assert_string_equal(peer_host(p), "server");
	peer_free(p);

	/* Then pppd's, in pppd's syntax. */
	p = peer_load_trusting("legacy", own, ppp, secrets, getuid(), d);
	assert_int_equal(diag_count(d), 0);
	assert_non_null(p);
	assert_string_equal(peer_pty_command(p), "ssh -e none pppuser@server false");
	assert_string_equal(peer_secret_path(p), secrets);
	peer_free(p);

	/* A path: sshdial's format, named after the file. */
	char *path;
	assert_true(asprintf(&path, "%s/office", own) > 0);
	p = peer_load_trusting(path, NULL, NULL, NULL, getuid(), d);
	assert_non_null(p);
	assert_string_equal(peer_name(p), "office");
	assert_string_equal(peer_file(p), path);
	peer_free(p);
	free(path);

	char msg[1024];
	p = peer_load_trusting("nowhere", own, ppp, secrets, getuid(), d);
	assert_null(p);
	snprintf(msg, sizeof(msg),
	         "peer 'nowhere' not found: there is no %s/nowhere and no %s/nowhere; write one "
	         "(see sshdial-peer(5))",
	         own, ppp);
	assert_int_equal(diag_count(d), 1);
	assert_string_equal(diag_get(d, 0), msg);

	p = peer_load_trusting(".hidden", own, ppp, secrets, getuid(), d);
	assert_null(p);
	assert_int_equal(diag_count(d), 2);
	assert_string_equal(
	    diag_get(d, 1),
	    "peer name '.hidden' is not valid: use at most 32 letters, digits, '.', "
	    "'_' and '-', not starting with '.'");

	assert_true(asprintf(&path, "%s/missing", own) > 0);
	p = peer_load_trusting(path, NULL, NULL, NULL, getuid(), d);
	assert_null(p);
	snprintf(msg, sizeof(msg), "%s: cannot open: No such file or directory", path);
	assert_string_equal(diag_get(d, 2), msg);
	free(path);

	diag_free(d);
	free(secrets);
	free(own);
	free(ppp);
	tmpdir_remove(dir);
}

/* Writes len bytes (NULs included) to dir/name, mode 0644; the path. */
static char *write_bytes(const char *dir, const char *name, const char *buf, size_t len)
{
	char *path;
	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	FILE *out = fopen(path, "w");
	assert_non_null(out);
	assert_int_equal(fwrite(buf, 1, len, out), len);
	assert_int_equal(fclose(out), 0);
	return path;
}

/* Loads path, expecting failure with exactly the message "PATH" + suffix. */
static void assert_load_error(const char *path, const char *suffix)
{
	struct diag *d = diag_new();
	alarm(10); /* a FIFO must not hang the test */
	assert_null(config_load_file("office", path, d));
	alarm(0);
	char msg[1024];
	snprintf(msg, sizeof(msg), "%s%s", path, suffix);
	assert_diag_equal(d, (const char *const[]){msg, NULL});
	diag_free(d);
}

static void test_load_limits(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	static const char nul[] = "local-user alice\nhost gw\0evil\n";
	char *path = write_bytes(dir, "nul", nul, sizeof(nul) - 1);
	assert_load_error(path, ":2: contains a NUL byte; a configuration file is text: remove it");
	free(path);

	char *fifo;
	assert_true(asprintf(&fifo, "%s/fifo", dir) > 0);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	assert_load_error(fifo, ": not a regular file; name the file itself");
	free(fifo);
	assert_load_error("/dev/zero", ": not a regular file; name the file itself");

	/* A 200 KB host is one line too long; the line after it is still read. */
	size_t big = 200 * 1024;
	char *text = malloc(big + 64);
	strcpy(text, "local-user alice\nhost ");
	size_t at = strlen(text);
	memset(text + at, 'a', big);
	strcpy(text + at + big, "\nport x\n");
	path = write_bytes(dir, "long", text, strlen(text));
	struct diag *d = diag_new();
	assert_null(config_load_file("office", path, d));
	char msg1[1024], msg2[1024];
	snprintf(msg1, sizeof(msg1), "%s:2: line longer than 4096 bytes; shorten it", path);
	snprintf(msg2, sizeof(msg2), "%s:3: port: 'x' is not a port number (1-65535)", path);
	assert_diag_equal(d, (const char *const[]){msg1, msg2, NULL});
	diag_free(d);
	free(path);
	free(text);

	/* The longest line allowed. */
	text = malloc(4200);
	strcpy(text, "local-user alice\nhost server\nremote-command ");
	at = strlen(text);
	memset(text + at, 'x', 4096 - (at - 29));
	strcpy(text + at + 4096 - (at - 29), "\n");
	path = write_bytes(dir, "longest", text, strlen(text));
	d = diag_new();
	struct peer *p = config_load_file("office", path, d);
	assert_int_equal(diag_count(d), 0);
	assert_int_equal(strlen(peer_remote_command(p)), 4096 - strlen("remote-command "));
	peer_free(p);
	diag_free(d);
	free(path);
	free(text);
	tmpdir_remove(dir);
}

/* Peer files run as root: a file others could write, or one reached through a link, is
 * refused by the loader itself, before anything in it is used. */
static void test_peer_load_trust(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	char *own = tmpdir_subdir(dir, "peers");
	char *ppp = tmpdir_subdir(dir, "ppp");
	char *open_file = tmpdir_file(own, "open", BASE, 0666);
	char *target = tmpdir_file(dir, "target", BASE, 0644);
	char *link;
	assert_true(asprintf(&link, "%s/linked", own) > 0);
	assert_int_equal(symlink(target, link), 0);
	char *classic = tmpdir_file(ppp, "classic", "pty 'ssh x'\n", 0664);

	char msg[1024];
	struct diag *d = diag_new();
	assert_null(peer_load_trusting("open", own, ppp, NULL, getuid(), d));
	snprintf(msg, sizeof(msg),
	         "%s: writable by group or others (mode 0666), but its pty command and pppd "
	         "options run as root; run 'chmod go-w %s'",
	         open_file, open_file);
	assert_diag_equal(d, (const char *const[]){msg, NULL});
	diag_free(d);

	d = diag_new();
	assert_null(peer_load_trusting("linked", own, ppp, NULL, getuid(), d));
	snprintf(msg, sizeof(msg),
	         "%s: a symbolic link: sshdial reads a peer file only where it is, not through a "
	         "link that someone could change; copy the file here or name its target",
	         link);
	assert_diag_equal(d, (const char *const[]){msg, NULL});
	diag_free(d);

	/* pppd's peer files too. */
	d = diag_new();
	assert_null(peer_load_trusting("classic", own, ppp, NULL, getuid(), d));
	snprintf(msg, sizeof(msg),
	         "%s: writable by group or others (mode 0664), but its pty command and pppd "
	         "options run as root; run 'chmod go-w %s'",
	         classic, classic);
	assert_diag_equal(d, (const char *const[]){msg, NULL});
	diag_free(d);

	/* A directory that others could write, not sticky. */
	assert_int_equal(chmod(own, 0777), 0);
	free(tmpdir_file(own, "office", BASE, 0644));
	d = diag_new();
	assert_null(peer_load_trusting("office", own, ppp, NULL, getuid(), d));
	snprintf(msg, sizeof(msg),
	         "%s/office: directory %s is writable by group or others (mode 0777), who could "
	         "replace this file; run 'chmod go-w %s' or move the file",
	         own, own, own);
	assert_diag_equal(d, (const char *const[]){msg, NULL});
	diag_free(d);

	free(classic);
	free(link);
	free(target);
	free(open_file);
	free(own);
	free(ppp);
	tmpdir_remove(dir);
}

/* 'sshdial check' applies the checks of 'call': a peer file others could write is an
 * error, exit 1, whoever runs it. */
static void test_check_command(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	char *path = tmpdir_file(dir, "office", BASE, 0666);
	char *err = tmpdir_file(dir, "stderr", "", 0600);
	fflush(stderr);
	int saved = dup(2);
	int fd = open(err, O_WRONLY | O_TRUNC);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	char *argv[] = {"check", path, NULL};
	int status = cmd_check(2, argv);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_int_equal(status, EXIT_CONFIG);
	FILE *f = fopen(err, "r");
	char line[1024] = "";
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	char msg[1024];
	if (getuid() == 0)
		snprintf(msg, sizeof(msg),
		         "%s: writable by group or others (mode 0666), but its pty command and "
		         "pppd options run as root; run 'chmod go-w %s'\n",
		         path, path);
	else /* the test's directory is not root's, which is refused first */
		snprintf(msg, sizeof(msg), "%s: directory %s is owned by uid %u", path, dir,
		         (unsigned)getuid());
	assert_true(strncmp(line, msg, strlen(msg)) == 0);
	free(err);
	free(path);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_peer_names),    cmocka_unit_test(test_peer_load),
	    cmocka_unit_test(test_load_limits),   cmocka_unit_test(test_peer_load_trust),
	    cmocka_unit_test(test_check_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
