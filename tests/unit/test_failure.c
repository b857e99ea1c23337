/* Why an attempt ended, and the exit status that calls for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "commands.h"
#include "config.h"
#include "failure.h"

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

static void host_key_is_permanent(void **state)
{
	(void)state;
	struct failure f;
	failure_clear(&f);
	failure_from_ssh_line(&f, peer, "Host key verification failed.");
	assert_int_equal(f.cls, FAILURE_PERMANENT);
	assert_non_null(strstr(f.reason, "host key verification failed for 'vpn.example.net'"));
	assert_non_null(strstr(f.reason, "/etc/sshdial/known_hosts"));
	/* pppd's later hangup must not soften the verdict */
	failure_from_pppd_exit(&f, peer, exited(16));
	assert_int_equal(f.cls, FAILURE_PERMANENT);
	assert_int_equal(failure_exit_status(&f), EXIT_PERMANENT);
}

static void permission_denied_is_permanent(void **state)
{
	(void)state;
	struct failure f;
	failure_clear(&f);
	failure_from_ssh_line(&f, peer, "pppuser@10.77.0.2: Permission denied (publickey).");
	assert_int_equal(f.cls, FAILURE_PERMANENT);
	assert_non_null(strstr(f.reason, "Permission denied"));
}

static void pap_rejected_is_permanent(void **state)
{
	(void)state;
	struct failure f;
	failure_clear(&f);
	failure_set(&f, FAILURE_TRANSIENT, "ssh exited with status 255");
	failure_from_pppd_exit(&f, peer, exited(19));
	assert_int_equal(f.cls, FAILURE_PERMANENT);
	assert_non_null(strstr(f.reason, "PAP"));
	assert_int_equal(failure_exit_status(&f), EXIT_PERMANENT);
}

static void network_failures_are_transient(void **state)
{
	(void)state;
	struct failure f;
	failure_clear(&f);
	failure_from_ssh_line(&f, peer,
	                      "ssh: connect to host 10.0.0.1 port 22: Connection refused");
	assert_int_equal(f.cls, FAILURE_TRANSIENT);
	assert_int_equal(failure_exit_status(&f), EXIT_OK);
	failure_clear(&f);
	failure_from_pppd_exit(&f, peer, exited(16));
	assert_int_equal(f.cls, FAILURE_TRANSIENT);
	failure_clear(&f);
	failure_from_ssh_line(&f, peer, "debug1: some chatter");
	assert_int_equal(f.cls, FAILURE_NONE);
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

static void pppd_exit_classes(void **state)
{
	(void)state;
	struct {
		int code;
		enum failure_class cls;
		int status;
	} cases[] = {{2, FAILURE_CONFIG, EXIT_CONFIG}, {4, FAILURE_SYSTEM, EXIT_SYSTEM},
	             {1, FAILURE_SYSTEM, EXIT_SYSTEM}, {10, FAILURE_TRANSIENT, EXIT_OK},
	             {15, FAILURE_TRANSIENT, EXIT_OK}, {19, FAILURE_PERMANENT, EXIT_PERMANENT}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct failure f;
		failure_clear(&f);
		failure_from_pppd_exit(&f, peer, exited(cases[i].code));
		assert_int_equal(f.cls, cases[i].cls);
		assert_int_equal(failure_exit_status(&f), cases[i].status);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(host_key_is_permanent),
	    cmocka_unit_test(permission_denied_is_permanent),
	    cmocka_unit_test(pap_rejected_is_permanent),
	    cmocka_unit_test(network_failures_are_transient),
	    cmocka_unit_test(lcp_echo_death_is_named),
	    cmocka_unit_test(pppd_exit_classes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
