#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lib/lines.h"
#include "conf/pppd_peer.h"
#include "tmpdir.h"

struct fixture {
	char *dir;
	char *secrets;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->dir = tmpdir_new();
	f->secrets = tmpdir_file(f->dir, "pap-secrets", "pppuser * s3cret\n", 0600);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	free(f->secrets);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static void assert_words(const struct strv *v, const char *const *expected)
{
	size_t n = 0;
	while (expected[n])
		n++;
	for (size_t i = 0; i < n && i < strv_len(v); i++)
		assert_string_equal(strv_get(v, i), expected[i]);
	assert_int_equal(strv_len(v), n);
}

static struct peer *import_ok(const struct fixture *f, const char *text)
{
	struct diag *d = diag_new();
	struct peer *p =
	    pppd_peer_parse("pppoverssh", "/etc/ppp/peers/pppoverssh", text, f->secrets, d);
	if (diag_count(d))
		fail_msg("unexpected: %s", diag_get(d, 0));
	assert_non_null(p);
	diag_free(d);
	return p;
}

static void assert_import_errors(const struct fixture *f, const char *text,
                                 const char *const *expected)
{
	struct diag *d = diag_new();
	struct peer *p = pppd_peer_parse("office", "peers/office", text, f->secrets, d);
	assert_null(p);
	size_t n = 0;
	while (expected[n])
		n++;
	for (size_t i = 0; i < n && i < diag_count(d); i++)
		assert_string_equal(diag_get(d, i), expected[i]);
	assert_int_equal(diag_count(d), n);
	diag_free(d);
}

static void assert_import_error(const struct fixture *f, const char *text, const char *message)
{
	assert_import_errors(f, text, (const char *const[]){message, NULL});
}

static void test_classic_recipe(void **state)
{
	struct fixture *f = *state;
	struct peer *p = import_ok(f, "# /etc/ppp/peers/pppoverssh, as the HOWTO has it\n"
	                              "pty 'ssh -e none pppuser@server false'\n"
	                              "user pppuser\n"
	                              "linkname pppoverssh\n"
	                              "noauth\n"
	                              "defaultroute\n"
	                              "nodetach\n"
	                              "persist\n"
	                              "ipparam vpn\n"
	                              "10.0.5.1:10.0.5.2\n");
	assert_string_equal(peer_name(p), "pppoverssh");
	assert_string_equal(peer_file(p), "/etc/ppp/peers/pppoverssh");
	assert_string_equal(peer_pty_command(p), "ssh -e none pppuser@server false");
	assert_null(peer_host(p));
	assert_null(peer_local_user(p));
	assert_string_equal(peer_pap_user(p), "pppuser");
	assert_int_equal(peer_secret_source(p), SECRET_PAP_SECRETS);
	assert_string_equal(peer_secret_path(p), f->secrets);
	assert_string_equal(peer_linkname(p), "pppoverssh");
	assert_false(peer_compression(p));
	assert_words(peer_pppd_options(p),
	             (const char *const[]){"noauth", "10.0.5.1:10.0.5.2", NULL});
	assert_true(peer_pppd_file(p));
	assert_false(peer_dns(p));
	/* What check says about each option dropped, at its line, with what replaces it. */
	const struct strv *notes = peer_notes(p);
	assert_int_equal(strv_len(notes), 4);
	assert_string_equal(strv_get(notes, 0),
	                    "/etc/ppp/peers/pppoverssh:6: 'defaultroute' dropped: an sshdial peer "
	                    "file's 'route-all yes' sends all traffic through the link (the ssh "
	                    "connection kept outside it)");
	assert_string_equal(strv_get(notes, 1),
	                    "/etc/ppp/peers/pppoverssh:7: 'nodetach' dropped: sshdial runs pppd in "
	                    "the foreground and supervises it");
	assert_string_equal(strv_get(notes, 2),
	                    "/etc/ppp/peers/pppoverssh:8: 'persist' dropped: sshdial redials the "
	                    "link itself (call and the daemon dial again after 1 to 30 s, until "
	                    "stopped)");
	assert_string_equal(
	    strv_get(notes, 3),
	    "/etc/ppp/peers/pppoverssh:9: 'ipparam vpn' dropped: sshdial passes the "
	    "peer name as ipparam (PPP_IPPARAM in /etc/ppp/ip-up.d)");
	peer_free(p);
}

/* usepeerdns becomes dns yes; maxfail and holdoff go with persist; notes name them all. */
static void test_dropped_options(void **state)
{
	struct fixture *f = *state;
	struct peer *p =
	    import_ok(f, "pty x\nusepeerdns maxfail 0\nholdoff 5 /dev/ttyS0 mtu 1400\n");
	assert_true(peer_dns(p));
	assert_words(peer_pppd_options(p), (const char *const[]){"mtu", "1400", NULL});
	const struct strv *notes = peer_notes(p);
	assert_int_equal(strv_len(notes), 4);
	assert_string_equal(
	    strv_get(notes, 0),
	    "/etc/ppp/peers/pppoverssh:2: 'usepeerdns' dropped: taken as 'dns yes': "
	    "sshdial sets the server's DNS servers while the link is up and restores "
	    "the resolver after; /etc/ppp/ip-up.d gets DNS1 and DNS2");
	assert_non_null(strstr(strv_get(notes, 1), ":2: 'maxfail 0' dropped: sshdial redials"));
	assert_non_null(strstr(strv_get(notes, 2), ":3: 'holdoff 5' dropped: sshdial redials"));
	assert_non_null(strstr(strv_get(notes, 3), ":3: '/dev/ttyS0' dropped: sshdial gives pppd"));
	peer_free(p);
}

static void test_passthrough_order_and_values(void **state)
{
	struct fixture *f = *state;
	/* Options span lines and keep their order; values are never read as options. */
	struct peer *p = import_ok(f, "mtu\n1400 name user lcp-echo-interval 5\n"
	                              "pty \"ssh server\"\n"
	                              "connect 'chat -v \"\" AT'\n"
	                              "/dev/ttyS0 115200\n"
	                              "remotename gw call extra updetach demand nopersist\n"
	                              "file /etc/ppp/options.extra\n");
	assert_words(peer_pppd_options(p),
	             (const char *const[]){"mtu", "1400", "name", "user", "lcp-echo-interval", "5",
	                                   "connect", "chat -v \"\" AT", "115200", "call", "extra",
	                                   "file", "/etc/ppp/options.extra", NULL});
	assert_null(peer_pap_user(p));
	assert_int_equal(peer_secret_source(p), SECRET_NONE);
	assert_string_equal(peer_remotename(p), "gw");
	assert_string_equal(peer_linkname(p), "pppoverssh");
	peer_free(p);
}

static void test_last_one_wins(void **state)
{
	struct fixture *f = *state;
	struct peer *p = import_ok(f, "pty 'first'\nuser a\npty 'second'\nuser pppuser\n");
	assert_string_equal(peer_pty_command(p), "second");
	assert_string_equal(peer_pap_user(p), "pppuser");
	peer_free(p);
}

static void test_compression_kept(void **state)
{
	struct fixture *f = *state;
	struct peer *p = import_ok(f, "pty x\ndeflate 15\n");
	assert_true(peer_compression(p));
	assert_words(peer_pppd_options(p), (const char *const[]){"deflate", "15", NULL});
	peer_free(p);
}

static void test_password_refused(void **state)
{
	struct fixture *f = *state;
	char msg[512];
	snprintf(msg, sizeof(msg),
	         "peers/office:3: password: a secret in a peer file would show on pppd's command "
	         "line; put it in %s as 'pppuser * SECRET' and remove this option",
	         f->secrets);
	assert_import_error(f, "pty x\nuser pppuser\npassword hunter2\n", msg);

	struct diag *d = diag_new();
	assert_null(pppd_peer_parse("office", "f", "pty x\npassword hunter2\n", f->secrets, d));
	assert_int_equal(diag_count(d), 1);
	assert_null(strstr(diag_get(d, 0), "hunter2"));
	assert_non_null(strstr(diag_get(d, 0), "'USER * SECRET'"));
	diag_free(d);
}

static void test_refused_options(void **state)
{
	struct fixture *f = *state;
	assert_import_errors(
	    f, "pty x\nlogfd 3\nnotty\nip-up-script /etc/x\n",
	    (const char *const[]){
	        "peers/office:2: 'logfd' cannot be used with sshdial: sshdial reads pppd's "
	        "log itself",
	        "peers/office:3: 'notty' cannot be used with sshdial: sshdial gives pppd its "
	        "terminal",
	        "peers/office:4: 'ip-up-script' cannot be used with sshdial: sshdial runs its "
	        "own hook; use 'up-script' (a pppd peer file: /etc/ppp/ip-up.d)",
	        NULL});
}

static void test_no_pty(void **state)
{
	struct fixture *f = *state;
	assert_import_error(f, "/dev/ttyS0 115200\nconnect 'chat -f /etc/chatscript'\nuser bob\n",
	                    "peers/office: no 'pty' option: sshdial dials a pppd peer file only "
	                    "through its pty command; write an sshdial peer file instead (see "
	                    "sshdial-peer(5))");
}

static void test_syntax_errors(void **state)
{
	struct fixture *f = *state;
	assert_import_error(f, "noauth\npty 'ssh server\nuser x\n",
	                    "peers/office:2: unterminated single quote; add the closing '");
	assert_import_error(f, "pty x\nuser",
	                    "peers/office:2: user: missing value at the end of "
	                    "the file");
	assert_import_error(f, "pty x\nlinkname ../../x",
	                    "peers/office:2: linkname: '../../x' is not a valid link name; use at "
	                    "most 32 letters, digits, '.', '_' and '-', not starting with '.'");
}

static void test_secrets_file_checked(void **state)
{
	struct fixture *f = *state;
	char *open_secrets = tmpdir_file(f->dir, "open-secrets", "pppuser * x\n", 0644);
	struct diag *d = diag_new();
	assert_null(
	    pppd_peer_parse("office", "peers/office", "pty x\nuser pppuser\n", open_secrets, d));
	char msg[1024];
	snprintf(msg, sizeof(msg),
	         "peers/office:2: pap-secrets: '%s' is readable or writable by group or others "
	         "(mode 0644); run 'chmod 600 %s'",
	         open_secrets, open_secrets);
	assert_int_equal(diag_count(d), 1);
	assert_string_equal(diag_get(d, 0), msg);
	diag_free(d);
	free(open_secrets);
}

static void test_load_file(void **state)
{
	struct fixture *f = *state;
	char *path =
	    tmpdir_file(f->dir, "classic", "pty 'ssh -e none pppuser@server false'\n", 0644);
	struct diag *d = diag_new();
	struct peer *p = pppd_peer_load("classic", path, f->secrets, d);
	assert_non_null(p);
	assert_string_equal(peer_pty_command(p), "ssh -e none pppuser@server false");
	peer_free(p);
	char *missing;
	assert_true(asprintf(&missing, "%s/missing", f->dir) > 0);
	assert_null(pppd_peer_load("missing", missing, f->secrets, d));
	char msg[1024];
	snprintf(msg, sizeof(msg), "%s: cannot open: No such file or directory", missing);
	assert_string_equal(diag_get(d, 0), msg);
	free(missing);
	free(path);
	diag_free(d);
}

static void test_show_password_refused(void **state)
{
	struct fixture *f = *state;
	assert_import_error(f, "pty x\nshow-password\n",
	                    "peers/office:2: 'show-password' cannot be used with sshdial: pppd "
	                    "would write the PAP secret into its log, which sshdial relays; "
	                    "remove it");
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

/* Loads path, expecting failure with exactly one message: "PATH" + suffix. */
static void assert_load_error(const struct fixture *f, const char *path, const char *suffix)
{
	struct diag *d = diag_new();
	alarm(10); /* a FIFO must not hang the test */
	assert_null(pppd_peer_load("office", path, f->secrets, d));
	alarm(0);
	char msg[1024];
	snprintf(msg, sizeof(msg), "%s%s", path, suffix);
	assert_int_equal(diag_count(d), 1);
	assert_string_equal(diag_get(d, 0), msg);
	diag_free(d);
}

static void test_load_limits(void **state)
{
	struct fixture *f = *state;
	static const char nul[] = "pty 'ssh server'\nnoauth\0 evil\n";
	char *path = write_bytes(f->dir, "nul", nul, sizeof(nul) - 1);
	assert_load_error(f, path,
	                  ":2: contains a NUL byte; a configuration file is text: remove it");
	free(path);

	char *fifo;
	assert_true(asprintf(&fifo, "%s/fifo", f->dir) > 0);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	assert_load_error(f, fifo, ": not a regular file; name the file itself");
	free(fifo);
	assert_load_error(f, "/dev/zero", ": not a regular file; name the file itself");

	size_t big = LINES_MAX_LINE + 20;
	char *text = malloc(big);
	memcpy(text, "pty x\nname ", 11);
	memset(text + 11, 'a', big - 12);
	text[big - 1] = '\n';
	path = write_bytes(f->dir, "long-line", text, big);
	assert_load_error(f, path, ":2: line longer than 4096 bytes; shorten it");
	free(path);
	free(text);

	big = LINES_MAX_FILE + 1;
	text = malloc(big);
	memset(text, '\n', big);
	path = write_bytes(f->dir, "huge", text, big);
	assert_load_error(f, path, ": larger than 1048576 bytes: not a configuration file");
	free(path);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_classic_recipe, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dropped_options, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_passthrough_order_and_values, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_last_one_wins, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_compression_kept, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_password_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refused_options, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_pty, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_syntax_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_secrets_file_checked, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_show_password_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load_limits, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
