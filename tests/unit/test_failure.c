/* Why an attempt ended, and the exit status that calls for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "cmd/commands.h"
#include "conf/config.h"
#include "link/failure.h"

static struct peer *peer;

static int setup(void **state)
{
	(void)state;
	struct diag *d = diag_new();
	struct config_reader *r = config_read_init("office", "/etc/sshdial/peers/office", d);
	config_read_line(r, "host vpn.example.net", 1);
	config_read_line(r, "local-user alice", 2);
	config_read_line(r, "known-hosts /etc/sshdial/known_hosts", 3);
	peer = config_read_finish(r);
	diag_free(d);
	return peer ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	peer_free(peer);
	return 0;
}

static int exited(int code)
{
	return (code & 0xff) << 8; /* a wait status as from waitpid */
}

/* ssh's stderr lines, then its wait status, as link.c hands them over. */
static void ssh_said(struct failure *f, const char *const *lines, int wstatus, unsigned how)
{
	failure_clear(f);
	for (size_t i = 0; lines[i]; i++)
		failure_from_ssh_line(f, lines[i]);
	failure_from_ssh_exit(f, peer, wstatus, how);
}

static void host_key_is_permanent(void **state)
{
	(void)state;
	struct failure f;
	ssh_said(&f,
	         (const char *[]){"No ED25519 host key is known for vpn.example.net and you have "
	                          "requested strict checking.",
	                          "Host key verification failed.", NULL},
	         exited(255), 0);
	assert_int_equal(f.cls, FAILURE_PERMANENT);
	/* what happened, and apart what to do: the known_hosts file to add the key to */
	assert_string_equal(f.reason, "host key verification failed for 'vpn.example.net': its "
	                              "key is not in the known hosts");
	assert_string_equal(f.fix, "check the server's key and add it to /etc/sshdial/known_hosts");
	/* read as one line, as before the fix had a field of its own */
	char text[FAILURE_TEXT_MAX];
	assert_string_equal(failure_format(&f, text, sizeof(text)),
	                    "host key verification failed for 'vpn.example.net': its key is not "
	                    "in the known hosts; check the server's key and add it to "
	                    "/etc/sshdial/known_hosts");
	/* pppd's later hangup must not soften the verdict */
	failure_from_pppd_exit(&f, peer, exited(16));
	assert_int_equal(f.cls, FAILURE_PERMANENT);
	assert_int_equal(exit_status_of(f.cls), EXIT_PERMANENT);
}

static void changed_host_key_is_named(void **state)
{
	(void)state;
	struct failure f;
	ssh_said(&f,
	         (const char *[]){"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
	                          "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @",
	                          "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
	                          "Host key for vpn.example.net has changed and you have "
	                          "requested strict checking.",
	                          "Host key verification failed.", NULL},
	         exited(255), 0);
	assert_int_equal(f.cls, FAILURE_PERMANENT);
	assert_string_equal(f.reason, "host key verification failed for 'vpn.example.net': its "
	                              "key has CHANGED from the one in /etc/sshdial/known_hosts");
	assert_string_equal(f.fix, "if the server's key was really replaced, replace its line "
	                           "there, otherwise someone may be between you and the server");
}

/* The remote command's stderr shares the stream: its words are not ssh's verdict. */
static void remote_lines_are_not_ssh_verdicts(void **state)
{
	(void)state;
	const char *const spoof[] = {"Host key verification failed.",
	                             "pppuser@10.77.0.2: Permission denied (publickey).", NULL};
	const char *const hostkey[] = {"Host key verification failed.", NULL};
	struct failure f;
	for (int code = 0; code <= 1; code++) {
		ssh_said(&f, hostkey, exited(code), 0);
		assert_int_equal(f.cls, FAILURE_TRANSIENT);
		ssh_said(&f, spoof, exited(code), 0);
		assert_int_equal(f.cls, FAILURE_TRANSIENT);
	}
	/* 255 after sshdial signalled ssh, or after the link was up, is not ssh's verdict */
	ssh_said(&f, hostkey, exited(255), FAILURE_SSH_SIGNALLED);
	assert_int_equal(f.cls, FAILURE_TRANSIENT);
	ssh_said(&f, hostkey, exited(255), FAILURE_SSH_WAS_UP);
	assert_int_equal(f.cls, FAILURE_TRANSIENT);
	assert_non_null(
	    strstr(f.reason, "closed after the link was up (ssh exited with status 255)"));
	/* nor a verdict-like line that ssh's last words followed */
	ssh_said(&f,
	         (const char *[]){"Host key verification failed.",
	                          "Connection to 10.77.0.2 closed by remote host.", NULL},
	         exited(255), 0);
	assert_int_equal(f.cls, FAILURE_TRANSIENT);
	/* nor lines that merely contain the words */
	ssh_said(&f, (const char *[]){"echo Host key verification failed. now", NULL}, exited(255),
	         0);
	assert_int_equal(f.cls, FAILURE_TRANSIENT);
	ssh_said(&f, (const char *[]){"sh: 1: /srv/x: Permission denied (publickey).", NULL},
	         exited(255), 0);
	assert_int_equal(f.cls, FAILURE_TRANSIENT);
	/* debug chatter after the verdict does not hide it */
	ssh_said(&f, (const char *[]){"Host key verification failed.", "debug1: exit", NULL},
	         exited(255), 0);
	assert_int_equal(f.cls, FAILURE_PERMANENT);
}

static void permission_denied_is_permanent(void **state)
{
	(void)state;
	struct failure f;
	ssh_said(&f, (const char *[]){"pppuser@10.77.0.2: Permission denied (publickey).", NULL},
	         exited(255), 0);
	assert_int_equal(f.cls, FAILURE_PERMANENT);
	assert_string_equal(f.reason, "the ssh server refused the login (ssh said "
	                              "'pppuser@10.77.0.2: Permission denied (publickey).')");
	assert_string_equal(f.fix, "check identity and ssh-user in /etc/sshdial/peers/office and "
	                           "the server's authorized_keys");
	/* OpenSSH before 8: without USER@HOST */
	ssh_said(&f, (const char *[]){"Permission denied (publickey,password).", NULL}, exited(255),
	         0);
	assert_int_equal(f.cls, FAILURE_PERMANENT);
}

static void server_cannot_run_its_command(void **state)
{
	(void)state;
	struct failure f;
	ssh_said(&f, (const char *[]){"sh: 1: /usr/local/bin/nope: not found", NULL}, exited(127),
	         0);
	assert_int_equal(f.cls, FAILURE_PERMANENT);
	assert_int_equal(exit_status_of(f.cls), EXIT_PERMANENT);
	assert_non_null(strstr(f.reason, "'/usr/local/bin/nope' does not exist"));
	assert_non_null(strstr(f.reason, "sh: 1: /usr/local/bin/nope: not found"));
	assert_null(strstr(f.reason, "authorized_keys"));
	assert_string_equal(f.fix, "fix the command=\"...\" option of this key's line in the "
	                           "authorized_keys of the ssh-user on vpn.example.net");
	ssh_said(&f, (const char *[]){"sh: 1: /home/pppuser/serve: Permission denied", NULL},
	         exited(126), 0);
	assert_int_equal(f.cls, FAILURE_PERMANENT);
	assert_non_null(strstr(f.reason, "'/home/pppuser/serve' is not executable"));
	ssh_said(&f,
	         (const char *[]){"bash: line 1: /opt/a b/pppd: No such file or directory", NULL},
	         exited(127), 0);
	assert_non_null(strstr(f.reason, "'/opt/a b/pppd' does not exist"));
	/* no line of a shell's form: still the server's, quoted as it is */
	ssh_said(&f, (const char *[]){NULL}, exited(127), 0);
	assert_int_equal(f.cls, FAILURE_PERMANENT);
	assert_non_null(strstr(f.reason, "said nothing"));
	assert_non_null(strstr(f.fix, "authorized_keys"));
}

static void server_pppd_refusing_is_permanent(void **state)
{
	(void)state;
	struct failure f;
	ssh_said(&f,
	         (const char *[]){"pppd: The remote system is required to authenticate itself",
	                          "pppd: but I couldn't find any suitable secret (password) for "
	                          "it to use to do so.",
	                          NULL},
	         exited(1), 0);
	assert_int_equal(f.cls, FAILURE_PERMANENT);
	assert_non_null(strstr(f.reason, "'pppd: The remote system is required to authenticate "
	                                 "itself but I couldn't find any suitable secret"));
	assert_null(strstr(f.reason, "fix this"));
	assert_string_equal(f.fix, "fix this on the server (its pppd options, or "
	                           "/etc/ppp/pap-secrets for this login)");
	ssh_said(&f,
	         (const char *[]){"/usr/sbin/pppd: unrecognized option 'frobnicate'",
	                          "pppd version 2.4.9", "Usage: /usr/sbin/pppd [ options ]", NULL},
	         exited(2), 0);
	assert_int_equal(f.cls, FAILURE_PERMANENT);
	assert_non_null(strstr(f.reason, "'/usr/sbin/pppd: unrecognized option 'frobnicate''"));
	/* not pppd's form, not a failure, or long after pppd started: not a refusal */
	ssh_said(&f, (const char *[]){"xpppd: nope", NULL}, exited(1), 0);
	assert_int_equal(f.cls, FAILURE_TRANSIENT);
	ssh_said(&f, (const char *[]){"pppd: nope", NULL}, exited(0), 0);
	assert_int_equal(f.cls, FAILURE_TRANSIENT);
	ssh_said(&f, (const char *[]){"pppd: nope", NULL}, exited(1), FAILURE_SSH_WAS_UP);
	assert_int_equal(f.cls, FAILURE_TRANSIENT);
}

/* transport pty: sshdial serve's refusal on ssh's stderr, then its exit status (3: the
 * system's, 1: the configuration's) through ssh: quoted and permanent, as on the frame
 * transport; serve's other lines (its log-file's) are no refusal. */
static void serve_refusing_is_quoted_and_permanent(void **state)
{
	(void)state;
	struct failure f;
	ssh_said(&f,
	         (const char *[]){"sshdial serve: log-file /var/log/x: Permission denied; logging "
	                          "to syslog only: make it a regular file",
	                          "sshdial serve: key alice: cannot open lease file "
	                          "/var/lib/sshdial/leases/192.168.77.10: Permission denied",
	                          "sshdial serve: key alice: a second line", NULL},
	         exited(3), 0);
	assert_int_equal(f.cls, FAILURE_PERMANENT);
	assert_int_equal(exit_status_of(f.cls), EXIT_PERMANENT);
	assert_string_equal(f.reason, "vpn.example.net refused the link: 'sshdial serve: key "
	                              "alice: cannot open lease file "
	                              "/var/lib/sshdial/leases/192.168.77.10: Permission denied'");
	assert_string_equal(f.fix, "fix this on the server (its log says the same)");
	/* its log-file line alone, or a status of 0: no refusal */
	ssh_said(&f,
	         (const char *[]){"sshdial serve: log-file /var/log/x: Permission denied", NULL},
	         exited(3), 0);
	assert_int_equal(f.cls, FAILURE_TRANSIENT);
	ssh_said(&f, (const char *[]){"sshdial serve: key alice: x", NULL}, exited(0), 0);
	assert_int_equal(f.cls, FAILURE_TRANSIENT);
}

static void pppd_lock_failure_is_a_system_failure(void **state)
{
	(void)state;
	struct failure f;
	failure_clear(&f);
	failure_from_pppd_line(&f, "Can't create lock file /var/lock/LCK..pts_3: No such file or "
	                           "directory");
	failure_from_pppd_exit(&f, peer, exited(6));
	assert_int_equal(f.cls, FAILURE_SYSTEM);
	assert_int_equal(exit_status_of(f.cls), EXIT_SYSTEM);
	assert_string_equal(f.reason, "pppd cannot create its lock file /var/lock/LCK..pts_3: No "
	                              "such file or directory (pppd exit 6)");
	assert_non_null(strstr(f.fix, "add 'pppd-option nolock' to /etc/sshdial/peers/office"));
	failure_clear(&f);
	failure_from_pppd_exit(&f, peer, exited(6));
	assert_int_equal(f.cls, FAILURE_SYSTEM);
}

static void pppd_without_dev_ppp_says_why(void **state)
{
	(void)state;
	struct failure f;
	failure_clear(&f);
	failure_from_pppd_exit(&f, peer, exited(4));
	assert_int_equal(f.cls, FAILURE_SYSTEM);
	assert_non_null(strstr(f.reason, "the kernel lacks PPP support"));
	assert_string_equal(f.fix, "run modprobe ppp_generic ppp_async");
	failure_clear(&f);
	failure_from_pppd_line(&f, "Couldn't open the /dev/ppp device: Operation not permitted");
	failure_from_pppd_exit(&f, peer, exited(4));
	assert_int_equal(f.cls, FAILURE_SYSTEM);
	assert_non_null(strstr(f.reason, "/dev/ppp: Operation not permitted"));
	assert_null(strstr(f.reason, "PrivateDevices="));
	assert_non_null(strstr(f.fix, "PrivateDevices="));
	assert_null(strstr(f.reason, "lacks PPP"));
	/* The same words inside another line are not pppd's verdict. */
	failure_clear(&f);
	failure_from_pppd_line(&f, "Remote message: Couldn't open the /dev/ppp device: x");
	failure_from_pppd_exit(&f, peer, exited(4));
	assert_non_null(strstr(f.reason, "lacks PPP"));
}

static void pap_rejected_is_permanent(void **state)
{
	(void)state;
	struct failure f;
	failure_clear(&f);
	failure_set(&f, FAILURE_TRANSIENT, "ssh exited with status 255");
	failure_from_pppd_exit(&f, peer, exited(19));
	assert_int_equal(f.cls, FAILURE_PERMANENT);
	assert_string_equal(f.reason, "the server rejected our PAP authentication (pppd exit 19)");
	assert_string_equal(f.fix, "check pap-user '?' and its secret in the secrets file");
	assert_int_equal(exit_status_of(f.cls), EXIT_PERMANENT);
}

/* The server hangs up right after its Nak: pppd's own line is the verdict, and the
 * server's message, quoted on a line of its own, is not. */
static void pap_rejected_before_hangup_is_permanent(void **state)
{
	(void)state;
	struct failure f;
	failure_clear(&f);
	failure_from_pppd_line(&f, "Remote message: PAP authentication failed");
	failure_set(&f, FAILURE_TRANSIENT, "ssh exited with status 11");
	failure_from_pppd_exit(&f, peer, exited(16));
	assert_int_equal(f.cls, FAILURE_TRANSIENT);

	failure_clear(&f);
	failure_from_pppd_line(&f, "PAP authentication failed");
	failure_set(&f, FAILURE_TRANSIENT, "ssh exited with status 11");
	failure_from_pppd_exit(&f, peer, exited(16));
	assert_int_equal(f.cls, FAILURE_PERMANENT);
	assert_non_null(strstr(f.fix, "pap-user"));
}

static void network_failures_are_transient(void **state)
{
	(void)state;
	struct failure f;
	failure_clear(&f);
	ssh_said(
	    &f, (const char *[]){"ssh: connect to host 10.0.0.1 port 22: Connection refused", NULL},
	    exited(255), 0);
	assert_int_equal(f.cls, FAILURE_TRANSIENT);
	assert_string_equal(f.reason, "ssh: connect to host 10.0.0.1 port 22: Connection refused");
	assert_string_equal(f.fix, ""); /* nothing to do but wait: the link dials again */
	assert_int_equal(exit_status_of(f.cls), EXIT_OK);
	failure_clear(&f);
	failure_from_pppd_exit(&f, peer, exited(16));
	assert_int_equal(f.cls, FAILURE_TRANSIENT);
	failure_clear(&f);
	failure_from_ssh_line(&f, "debug1: some chatter");
	assert_int_equal(f.cls, FAILURE_NONE);
}

static void ssh_timeouts_are_noted_in_their_own_form(void **state)
{
	(void)state;
	struct failure f;
	const char *timed_out[] = {"Connection timed out during banner exchange",
	                           "ssh: connect to host 10.0.0.2 port 22: Connection timed out"};
	for (size_t i = 0; i < 2; i++) {
		failure_clear(&f);
		failure_from_ssh_line(&f, timed_out[i]);
		assert_true(f.ssh.timed_out);
	}
	/* Other refusals, and the words quoted by the server's side, are not. */
	const char *not_timed_out[] = {
	    "ssh: connect to host 10.0.0.2 port 22: Connection refused",
	    "sshdial serve: Connection timed out during banner exchange",
	    "Connection timed out during banner exchange, said the server",
	    "ssh: connect to host 10.0.0.2 port 22: Connection timed out (not quite)"};
	for (size_t i = 0; i < 4; i++) {
		failure_clear(&f);
		failure_from_ssh_line(&f, not_timed_out[i]);
		assert_false(f.ssh.timed_out);
	}
}

static void lcp_echo_death_is_named(void **state)
{
	(void)state;
	struct failure f;
	failure_clear(&f);
	failure_from_pppd_line(&f, "No response to 4 echo-requests");
	failure_from_pppd_exit(&f, peer, exited(16));
	assert_int_equal(f.cls, FAILURE_TRANSIENT);
	assert_string_equal(f.reason, "the server stopped answering LCP echo requests (pppd: No "
	                              "response to 4 echo-requests)");
}

/* The fix goes with its verdict: set with it, replaced with it (a more severe verdict
 * without one leaves none), kept when a milder one comes later, cleared with it. */
static void a_fix_goes_with_its_verdict(void **state)
{
	(void)state;
	struct failure f;
	char text[FAILURE_TEXT_MAX];
	failure_clear(&f);
	failure_set_fix(&f, FAILURE_CONFIG, "check line 3", "bad option %s", "x");
	assert_string_equal(failure_format(&f, text, sizeof(text)), "bad option x; check line 3");
	failure_set(&f, FAILURE_TRANSIENT, "ssh exited with status 255");
	assert_string_equal(failure_format(&f, text, sizeof(text)), "bad option x; check line 3");
	failure_set(&f, FAILURE_PERMANENT, "refused");
	assert_string_equal(f.fix, "");
	assert_string_equal(failure_format(&f, text, sizeof(text)), "refused");
	failure_clear(&f);
	failure_set_fix(&f, FAILURE_SYSTEM, NULL, "no fix");
	assert_string_equal(failure_format(&f, text, sizeof(text)), "no fix");
	failure_set_fix(&f, FAILURE_PERMANENT, "do this", "worse");
	failure_clear(&f);
	assert_int_equal(f.cls, FAILURE_NONE);
	assert_string_equal(f.fix, "");
	/* pppd's options: its own message says which, the fix names the peer's file */
	failure_from_pppd_exit(&f, peer, exited(2));
	assert_string_equal(f.reason, "pppd refused its options (exit 2); its message above says "
	                              "which");
	assert_string_equal(f.fix, "check the pppd-option lines of /etc/sshdial/peers/office");
}

static void pppd_exit_classes(void **state)
{
	(void)state;
	struct {
		int code;
		enum failure_class cls;
		int status;
	} cases[] = {{2, FAILURE_CONFIG, EXIT_CONFIG}, {4, FAILURE_SYSTEM, EXIT_SYSTEM},
	             {1, FAILURE_SYSTEM, EXIT_SYSTEM}, {10, FAILURE_TRANSIENT, EXIT_OK},
	             {15, FAILURE_TRANSIENT, EXIT_OK}, {19, FAILURE_PERMANENT, EXIT_PERMANENT},
	             {6, FAILURE_SYSTEM, EXIT_SYSTEM}, {7, FAILURE_SYSTEM, EXIT_SYSTEM}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct failure f;
		failure_clear(&f);
		failure_from_pppd_exit(&f, peer, exited(cases[i].code));
		assert_int_equal(f.cls, cases[i].cls);
		assert_int_equal(exit_status_of(f.cls), cases[i].status);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(host_key_is_permanent),
	    cmocka_unit_test(ssh_timeouts_are_noted_in_their_own_form),
	    cmocka_unit_test(changed_host_key_is_named),
	    cmocka_unit_test(remote_lines_are_not_ssh_verdicts),
	    cmocka_unit_test(permission_denied_is_permanent),
	    cmocka_unit_test(server_cannot_run_its_command),
	    cmocka_unit_test(server_pppd_refusing_is_permanent),
	    cmocka_unit_test(serve_refusing_is_quoted_and_permanent),
	    cmocka_unit_test(pppd_lock_failure_is_a_system_failure),
	    cmocka_unit_test(pap_rejected_is_permanent),
	    cmocka_unit_test(pap_rejected_before_hangup_is_permanent),
	    cmocka_unit_test(network_failures_are_transient),
	    cmocka_unit_test(lcp_echo_death_is_named),
	    cmocka_unit_test(pppd_exit_classes),
	    cmocka_unit_test(a_fix_goes_with_its_verdict),
	    cmocka_unit_test(pppd_without_dev_ppp_says_why),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
