/* Forwards, forwards-only peers and jump hosts: the values, the peer file's checks, the
 * ssh command lines, and a host-key failure on a hop named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "conf/config.h"
#include "conf/forward_spec.h"
#include "conf/jump_spec.h"
#include "lib/err.h"
#include "link/failure.h"
#include "link/ssh_argv.h"
#include "tmpdir.h"

static void forward_forms(void **state)
{
	(void)state;
	struct forward_spec f;
	struct err err;
	assert_true(forward_spec_parse("local 1110 127.0.0.1:110", &f, &err));
	assert_int_equal(f.kind, FORWARD_LOCAL);
	assert_string_equal(f.ssh_arg, "1110:127.0.0.1:110");
	assert_string_equal(forward_spec_option(&f), "-L");
	assert_true(forward_spec_parse("local 127.0.0.1:8080 web.lan:80", &f, &err));
	assert_string_equal(f.ssh_arg, "127.0.0.1:8080:web.lan:80");
	assert_true(forward_spec_parse("local [::1]:8080 [fd00::5]:80", &f, &err));
	assert_string_equal(f.ssh_arg, "[::1]:8080:[fd00::5]:80");
	assert_true(forward_spec_parse("local /run/pop.sock mail:110", &f, &err));
	assert_string_equal(f.ssh_arg, "/run/pop.sock:mail:110");
	assert_true(forward_spec_parse("remote 2222 localhost:22", &f, &err));
	assert_string_equal(forward_spec_option(&f), "-R");
	assert_string_equal(f.ssh_arg, "2222:localhost:22");
	assert_true(forward_spec_parse("socks 1080", &f, &err));
	assert_string_equal(forward_spec_option(&f), "-D");
	assert_string_equal(f.ssh_arg, "1080");
}

static void forward_refusals(void **state)
{
	(void)state;
	struct forward_spec f;
	struct err err;
	const char *bad[] = {"local 0 a:1",        "local 65536 a:1",
	                     "local 80 a:0",       "local 80",
	                     "socks 80 a:1",       "tunnel 80 a:1",
	                     "remote /x.sock a:1", "local 80 -a:1",
	                     "local x:y:80 a:1",   "local 80 a b",
	                     "local [zz]:80 a:1",  "local 80 a:99999",
	                     "local 12a a:1",      ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (forward_spec_parse(bad[i], &f, &err))
			fail_msg("'%s' was taken", bad[i]);
		assert_string_equal(err.where, ""); /* the peer file's line: the caller's */
		assert_non_null(strstr(err.fix, "forward "));
	}
	assert_false(forward_spec_parse("local 0 a:1", &f, &err));
	assert_string_equal(err.what, "'0' is not [BIND:]PORT with PORT from 1 to 65535 and BIND "
	                              "an address or name");
	assert_string_equal(err.fix, "write 'forward local [BIND:]PORT HOST:PORT', 'forward local "
	                             "/PATH HOST:PORT', 'forward remote [BIND:]PORT HOST:PORT' or "
	                             "'forward socks [BIND:]PORT'");
}

static void jump_forms(void **state)
{
	(void)state;
	struct jump_spec j;
	struct err err;
	assert_true(jump_spec_parse("bastion.example.net", &j, &err));
	assert_string_equal(j.host, "bastion.example.net");
	assert_int_equal(j.port, 0);
	assert_true(jump_spec_parse("ops@10.0.0.1:2222", &j, &err));
	assert_string_equal(j.user, "ops");
	assert_string_equal(j.host, "10.0.0.1");
	assert_int_equal(j.port, 2222);
	assert_true(jump_spec_parse("[fd00::1]:22", &j, &err));
	assert_string_equal(j.host, "fd00::1");
	assert_false(jump_spec_parse("a:0", &j, &err));
	assert_false(jump_spec_parse("@host", &j, &err));
	assert_false(jump_spec_parse("-oProxyCommand=x", &j, &err));
	assert_false(jump_spec_parse("a'b@host", &j, &err));
	assert_string_equal(err.where, "");
	assert_string_equal(err.what, "'a'b' is not a user name");
	assert_string_equal(err.fix, "write 'jump [USER@]HOST[:PORT]'");
	assert_false(jump_spec_parse("ops@a:0", &j, &err));
	assert_string_equal(err.what,
	                    "'a:0' is not HOST or HOST:PORT (a name or an address, PORT 1 "
	                    "to 65535)");
}

static struct peer *read_peer(const char *const *lines, struct diag *d)
{
	struct config_reader *r = config_read_init("office", "office", d);
	for (unsigned i = 0; lines[i]; i++)
		config_read_line(r, lines[i], i + 1);
	return config_read_finish(r);
}

static void diag_has(const struct diag *d, const char *text)
{
	for (size_t i = 0; i < diag_count(d); i++)
		if (strstr(diag_get(d, i), text))
			return;
	for (size_t i = 0; i < diag_count(d); i++)
		fprintf(stderr, "  %s\n", diag_get(d, i));
	fail_msg("no message holds '%s'", text);
}

static void peer_file_checks(void **state)
{
	(void)state;
	struct diag *d = diag_new();
	const char *lines[] = {"host gw",
	                       "local-user alice",
	                       "forward local 1110 127.0.0.1:110",
	                       "forward socks 1110",
	                       "forward local 192.0.2.77:8080 web:80",
	                       "forward local 99999 web:80",
	                       "link no",
	                       "route 10.0.0.0/8",
	                       NULL};
	assert_null(read_peer(lines, d));
	diag_has(d, "office:4: forward: port 1110 is already listened on by the forward at line 3");
	diag_has(d, "office:5: forward: '192.0.2.77' is not an address of this machine");
	diag_has(d, "office:6: forward: '99999' is not [BIND:]PORT");
	diag_has(d, "office:8: route: not used with 'link no' (line 7)");
	diag_free(d);

	d = diag_new();
	assert_null(read_peer((const char *[]){"host gw", "local-user alice", "link no", NULL}, d));
	diag_has(d, "office:3: link: 'link no' leaves nothing to do without a forward");
	diag_free(d);
}

static const char *joined(const struct strv *v)
{
	static char buf[8192];
	buf[0] = 0;
	for (size_t i = 0; i < strv_len(v); i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, strv_get(v, i));
	}
	return buf;
}

static void command_lines(void **state)
{
	(void)state;
	struct diag *d = diag_new();
	const char *lines[] = {"host gw",
	                       "local-user alice",
	                       "known-hosts \"/etc/sshdial/known hosts\"",
	                       "link no",
	                       "forward local 1110 127.0.0.1:110",
	                       "jump ops@j1:2222",
	                       "jump j2",
	                       NULL};
	struct peer *p = read_peer(lines, d);
	if (!p)
		diag_print(d, stderr);
	assert_non_null(p);
	struct strv *v = ssh_argv_build(p);
	const char *s = joined(v);
	assert_non_null(
	    strstr(s, "-o ControlMaster=yes -o ControlPath=/run/sshdial-ssh/office/ctl"));
	assert_non_null(strstr(s, "-o ServerAliveInterval=1 -o ServerAliveCountMax=3"));
	assert_non_null(strstr(s, " -N -- gw"));
	/* the last hop is j2, reached through j1: its command has %% for the inner level */
	assert_non_null(strstr(
	    s, "-o ProxyCommand=/usr/bin/ssh -o BatchMode=yes -o StrictHostKeyChecking=yes"));
	assert_non_null(strstr(s, "'UserKnownHostsFile=/etc/sshdial/known hosts'"));
	assert_non_null(strstr(s, "-W [%%h]:%%p -- j1' -W [%h]:%p -- j2"));
	assert_non_null(strstr(s, "-p 2222 -l ops"));
	strv_free(v);
	v = ssh_argv_forward(p, peer_forward(p, 0));
	assert_string_equal(
	    joined(v),
	    "/usr/bin/ssh -o BatchMode=yes -o LogLevel=INFO -S /run/sshdial-ssh/office/ctl "
	    "-O forward -L 1110:127.0.0.1:110 -- gw");
	strv_free(v);

	struct failure f;
	failure_clear(&f);
	failure_from_ssh_line(&f, "No ED25519 host key is known for [j1]:2222 and you have "
	                          "requested strict checking.");
	failure_from_ssh_line(&f, "Host key verification failed.");
	failure_from_ssh_line(&f, "kex_exchange_identification: Connection closed by remote host");
	failure_from_ssh_exit(&f, p, 255 << 8, 0);
	assert_int_equal(f.cls, FAILURE_PERMANENT);
	assert_non_null(strstr(f.reason, "jump host 'j1' (hop 1 of 2)"));
	/* the same words from a host that is no hop name nothing */
	failure_clear(&f);
	failure_from_ssh_line(&f, "No ED25519 host key is known for j9 and you have requested "
	                          "strict checking.");
	failure_from_ssh_line(&f, "Host key verification failed.");
	failure_from_ssh_exit(&f, p, 255 << 8, 0);
	assert_null(strstr(f.reason, "jump host"));
	peer_free(p);
	diag_free(d);
}

/* One local port for two peers of one directory: refused, naming the other's line. */
static void clash_across_peers(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	char *own = tmpdir_subdir(dir, "peers");
	free(tmpdir_file(own, "mail",
	                 "host a\nlocal-user alice\nlink no\nforward local 1110 127.0.0.1:110\n",
	                 0644));
	free(tmpdir_file(own, "web",
	                 "host b\nlocal-user alice\nlink no\nforward local 8080 x:80\n"
	                 "forward local 1110 y:110\n",
	                 0644));
	free(tmpdir_file(own, "other",
	                 "host c\nlocal-user alice\nlink no\n"
	                 "forward local 2222 y:22\nforward remote 1110 z:1\n",
	                 0644));
	struct diag *d = diag_new();
	assert_null(peer_load_trusting("web", own, own, NULL, getuid(), d));
	assert_int_equal(diag_count(d), 1);
	assert_non_null(strstr(diag_get(d, 0), "/peers/web:5: forward: port 1110 is also listened "
	                                       "on by peer 'mail' ("));
	assert_non_null(strstr(diag_get(d, 0), "/peers/mail:4); only one of them could have it"));
	diag_free(d);
	d = diag_new();
	struct peer *p = peer_load_trusting("other", own, own, NULL, getuid(), d);
	assert_non_null(p); /* a remote listener is the server's port, not this machine's */
	peer_free(p);
	diag_free(d);
	free(own);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(forward_forms), cmocka_unit_test(forward_refusals),
	    cmocka_unit_test(jump_forms),    cmocka_unit_test(peer_file_checks),
	    cmocka_unit_test(command_lines), cmocka_unit_test(clash_across_peers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
