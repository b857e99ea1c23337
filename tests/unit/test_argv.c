/* The ssh and pppd command lines built for a peer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "conf/config.h"
#include "link/pppd_argv.h"
#include "link/ssh_argv.h"
#include "tmpdir.h"

static struct peer *peer_from(const char *const *lines)
{
	struct diag *d = diag_new();
	struct config_reader *r = config_read_init("office", "office", d);
	for (unsigned i = 0; lines[i]; i++)
		config_read_line(r, lines[i], i + 1);
	struct peer *p = config_read_finish(r);
	if (!p)
		diag_print(d, stderr);
	diag_free(d);
	assert_non_null(p);
	return p;
}

/* The argv joined with single spaces, for whole-line comparisons. */
static const char *joined(const struct strv *v)
{
	static char buf[4096];
	buf[0] = 0;
	for (size_t i = 0; i < strv_len(v); i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, strv_get(v, i));
	}
	return buf;
}

static ssize_t index_of(const struct strv *v, const char *word)
{
	for (size_t i = 0; i < strv_len(v); i++)
		if (strcmp(strv_get(v, i), word) == 0)
			return (ssize_t)i;
	return -1;
}

static void ssh_full(void **state)
{
	(void)state;
	const char *lines[] = {"host vpn.example.net",
	                       "port 2222",
	                       "ssh-user pppuser",
	                       "local-user alice",
	                       "identity /home/alice/.ssh/id_ed25519",
	                       "known-hosts /etc/sshdial/known_hosts",
	                       "ssh-option ProxyJump=jump.example.net",
	                       "ssh-option ConnectTimeout=5",
	                       NULL};
	struct peer *p = peer_from(lines);
	struct strv *v = ssh_argv_build(p);
	assert_string_equal(
	    joined(v),
	    "/usr/bin/ssh -e none -T -o BatchMode=yes -o StrictHostKeyChecking=yes "
	    "-o UserKnownHostsFile=/etc/sshdial/known_hosts -i /home/alice/.ssh/id_ed25519 "
	    "-o IdentitiesOnly=yes -o ProxyJump=jump.example.net -o ConnectTimeout=5 "
	    "-o ConnectTimeout=15 -o LogLevel=INFO -o ServerAliveInterval=10 -o "
	    "ServerAliveCountMax=3 "
	    "-o TCPKeepAlive=yes -o ExitOnForwardFailure=yes -p 2222 -l pppuser -- "
	    "vpn.example.net");
	/* ssh keeps the first value: the peer's ConnectTimeout must precede the default. */
	assert_true(index_of(v, "ConnectTimeout=5") < index_of(v, "ConnectTimeout=15"));
	strv_free(v);
	peer_free(p);
}

/* Each server of a peer with several: its own name, its own port or the peer's. */
static void ssh_each_server(void **state)
{
	(void)state;
	const char *lines[] = {"host gw1.example.net", "host 2001:db8::7 2222", "port 443",
	                       "local-user alice", NULL};
	struct peer *p = peer_from(lines);
	const char *tails[] = {"-p 443 -- gw1.example.net", "-p 2222 -- 2001:db8::7"};
	for (size_t i = 0; i < 2; i++) {
		struct strv *v = ssh_argv_build_server(p, i);
		const char *line = joined(v);
		assert_string_equal(line + strlen(line) - strlen(tails[i]), tails[i]);
		assert_int_equal(index_of(v, "--"), (ssize_t)strv_len(v) - 2);
		strv_free(v);
	}
	peer_free(p);
}

static void ssh_minimal_with_remote_command(void **state)
{
	(void)state;
	const char *lines[] = {"host h", "local-user bob", "remote-command 'sshdial serve'", NULL};
	struct peer *p = peer_from(lines);
	struct strv *v = ssh_argv_build(p);
	assert_int_equal(index_of(v, "-p"), -1);
	assert_int_equal(index_of(v, "-l"), -1);
	assert_int_equal(index_of(v, "-i"), -1);
	assert_string_equal(strv_get(v, strv_len(v) - 2), "h");
	assert_string_equal(strv_get(v, strv_len(v) - 1), "sshdial serve");
	strv_free(v);
	peer_free(p);
}

static void pty_command_runs_through_sh(void **state)
{
	(void)state;
	const char *lines[] = {"pty 'ssh -e none pppuser@server false'", NULL};
	struct peer *p = peer_from(lines);
	struct strv *v = ssh_argv_build(p);
	assert_string_equal(joined(v), "/bin/sh -c ssh -e none pppuser@server false");
	assert_int_equal(strv_len(v), 3);
	strv_free(v);
	peer_free(p);
}

static const struct pppd_params params = {.tty = "/dev/pts/7",
                                          .passwordfd = 3,
                                          .logfd = 2,
                                          .ip_up = "/run/sshdial/sshdial-ip-up",
                                          .ip_down = "/run/sshdial/sshdial-ip-down"};

static void pppd_full(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	char *secret = tmpdir_file(dir, "secret", "s3cret\n", 0600);
	char line[300];
	snprintf(line, sizeof(line), "pap-password-file %s", secret);
	const char *lines[] = {"host h", "local-user bob",         "pap-user pppuser",
	                       line,     "pppd-option 'mtu 1400'", "dns yes",
	                       NULL};
	struct peer *p = peer_from(lines);
	struct strv *v = pppd_argv_build(p, &params);
	assert_string_equal(
	    joined(v),
	    "/usr/sbin/pppd /dev/pts/7 local nocrtscts noauth noipdefault ipcp-accept-local "
	    "ipcp-accept-remote noccp usepeerdns lcp-echo-interval 10 lcp-echo-failure 3 passive "
	    "mtu 1400 "
	    "user pppuser plugin passwordfd.so "
	    "passwordfd 3 nodetach nopersist linkname office ipparam office logfd 2 "
	    "ip-up-script /run/sshdial/sshdial-ip-up ip-down-script "
	    "/run/sshdial/sshdial-ip-down");
	/* The secret itself never reaches the command line. */
	assert_int_equal(index_of(v, "s3cret"), -1);
	strv_free(v);
	peer_free(p);
	tmpdir_remove(dir);
	free(secret);
}

/* transport frames: the plugin takes the L2TP session, and no tty option is given. */
static void pppd_frames(void **state)
{
	(void)state;
	const char *lines[] = {"host h", "local-user bob", "transport frames", NULL};
	struct peer *p = peer_from(lines);
	struct pppd_params frames = params;
	frames.tty = NULL;
	frames.channelfd = 4;
	frames.passwordfd = -1;
	struct strv *v = pppd_argv_build(p, &frames);
	assert_string_equal(joined(v),
	                    "/usr/sbin/pppd plugin pppol2tp.so pppol2tp 4 noauth noipdefault "
	                    "ipcp-accept-local ipcp-accept-remote noccp lcp-echo-interval 10 "
	                    "lcp-echo-failure 3 passive nodetach nopersist lcp-max-terminate 0 "
	                    "linkname office "
	                    "ipparam office logfd 2 ip-up-script /run/sshdial/sshdial-ip-up "
	                    "ip-down-script /run/sshdial/sshdial-ip-down");
	strv_free(v);
	peer_free(p);
}

/* It asks the server for the frame transport, unless the peer names its own command. */
static void ssh_frames_remote_command(void **state)
{
	(void)state;
	const char *lines[] = {"host h", "local-user bob", "transport frames", NULL};
	struct peer *p = peer_from(lines);
	struct strv *v = ssh_argv_build(p);
	assert_string_equal(strv_get(v, strv_len(v) - 2), "h");
	assert_string_equal(strv_get(v, strv_len(v) - 1), "sshdial serve --transport frames");
	strv_free(v);
	peer_free(p);
	const char *own[] = {"host h", "local-user bob", "transport frames",
	                     "remote-command /opt/sshdial serve --transport frames", NULL};
	p = peer_from(own);
	v = ssh_argv_build(p);
	assert_string_equal(strv_get(v, strv_len(v) - 1), "/opt/sshdial serve --transport frames");
	strv_free(v);
	peer_free(p);
}

static void pppd_supervision_options_come_last(void **state)
{
	(void)state;
	const char *lines[] = {"host h", "local-user bob", "compression yes",
	                       "pppd-option 'lcp-echo-interval 5'", NULL};
	struct peer *p = peer_from(lines);
	struct pppd_params noauth = params;
	noauth.passwordfd = -1;
	struct strv *v = pppd_argv_build(p, &noauth);
	assert_int_equal(index_of(v, "noccp"), -1);
	assert_int_equal(index_of(v, "user"), -1);
	assert_int_equal(index_of(v, "plugin"), -1);
	assert_true(index_of(v, "lcp-echo-interval") < index_of(v, "nodetach"));
	assert_string_equal(strv_get(v, strv_len(v) - 1), "/run/sshdial/sshdial-ip-down");
	strv_free(v);
	peer_free(p);
}

/* ipv6 yes: IPV6CP, taking the identifier the server gives. */
static void pppd_ipv6(void **state)
{
	(void)state;
	const char *lines[] = {"host h", "local-user bob", "ipv6 yes", "ipv6-prefix fd83:77::/64",
	                       NULL};
	struct peer *p = peer_from(lines);
	struct strv *v = pppd_argv_build(p, &params);
	assert_true(index_of(v, "+ipv6") > 0);
	assert_int_equal(index_of(v, "ipv6cp-accept-local"), index_of(v, "+ipv6") + 1);
	strv_free(v);
	peer_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ssh_full),
	    cmocka_unit_test(ssh_each_server),
	    cmocka_unit_test(ssh_minimal_with_remote_command),
	    cmocka_unit_test(pty_command_runs_through_sh),
	    cmocka_unit_test(pppd_full),
	    cmocka_unit_test(pppd_supervision_options_come_last),
	    cmocka_unit_test(pppd_ipv6),
	    cmocka_unit_test(pppd_frames),
	    cmocka_unit_test(ssh_frames_remote_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
