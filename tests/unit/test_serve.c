#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/proc.h"
#include "server/serve_pppd.h"
#include "server/serve_request.h"

static void test_request(void **state)
{
	(void)state;
	static const char *const accepted[] = {"",
	                                       "   ",
	                                       "false",
	                                       "pppd",
	                                       "/usr/sbin/pppd",
	                                       "sshdial serve",
	                                       "  sshdial   serve ",
	                                       "sshdial serve --transport pty"};
	static const char *const ignored[] = {"/bin/sh",
	                                      "sh -c 'pppd'",
	                                      "pppd noauth",
	                                      "pppd call x",
	                                      "false; /bin/sh",
	                                      "sshdial serve --key bob",
	                                      "sshdial call x",
	                                      "bash",
	                                      "scp -t /tmp",
	                                      "internal-sftp",
	                                      "'unterminated",
	                                      "false --help",
	                                      "sshdial serve --transport",
	                                      "sshdial serve --transport frames x",
	                                      "sshdial serve --transport Frames",
	                                      "sshdial serve frames"};
	assert_int_equal(serve_request_classify(NULL), SERVE_REQUEST_PPP);
	for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++)
		if (serve_request_classify(accepted[i]) != SERVE_REQUEST_PPP)
			fail_msg("'%s' should be accepted", accepted[i]);
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		if (serve_request_classify(ignored[i]) != SERVE_REQUEST_IGNORED)
			fail_msg("'%s' should be ignored", ignored[i]);
	assert_int_equal(serve_request_classify("sshdial serve --transport frames"),
	                 SERVE_REQUEST_FRAMES);
	assert_int_equal(serve_request_classify(" sshdial  serve --transport 'frames'"),
	                 SERVE_REQUEST_FRAMES);
	assert_int_equal(serve_request_classify(SERVE_PROBE_COMMAND), SERVE_REQUEST_PROBE);
	assert_int_equal(serve_request_classify("sshdial serve --probe x"), SERVE_REQUEST_IGNORED);
	assert_int_equal(serve_request_classify("sshdial serve --probe --transport frames"),
	                 SERVE_REQUEST_IGNORED);
}

static void test_quote(void **state)
{
	(void)state;
	char buf[16];
	serve_request_quote("/bin/sh", buf, sizeof(buf));
	assert_string_equal(buf, "/bin/sh");
	serve_request_quote("a\nb\x1b", buf, sizeof(buf));
	assert_string_equal(buf, "a\\x0ab\\x1b");
	serve_request_quote("0123456789abcdefghij", buf, sizeof(buf));
	assert_string_equal(buf, "0123456789ab...");
}

static struct in_addr addr(const char *s)
{
	struct in_addr a;
	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static char *joined(const struct strv *v)
{
	size_t len = 1;
	for (size_t i = 0; i < strv_len(v); i++)
		len += strlen(strv_get(v, i)) + 1;
	char *s = calloc(1, len);
	for (size_t i = 0; i < strv_len(v); i++) {
		if (i)
			strcat(s, " ");
		strcat(s, strv_get(v, i));
	}
	return s;
}

static void test_pppd_argv(void **state)
{
	(void)state;
	struct key_settings k = {.name = "alice",
	                         .pap = true,
	                         .mtu = 1400,
	                         .mru = 1300,
	                         .dns_count = 2,
	                         .proxyarp = true};
	k.dns[0] = addr("192.168.77.1");
	k.dns[1] = addr("9.9.9.9");
	struct serve_pppd_params p = {.local = addr("192.168.77.1"),
	                              .remote = addr("192.168.77.10"),
	                              .echo_interval = 5,
	                              .echo_failure = 4,
	                              .log_file = "/var/log/s.log"};
	struct strv *v = serve_pppd_argv(&k, &p);
	char *s = joined(v);
	assert_string_equal(s, "/usr/sbin/pppd call sshdial-serve notty nodetach "
	                       "192.168.77.1:192.168.77.10 require-pap mtu 1400 mru 1300 "
	                       "ms-dns 192.168.77.1 ms-dns 9.9.9.9 proxyarp lcp-echo-interval 5 "
	                       "lcp-echo-failure 4 logfile /var/log/s.log ipparam alice");
	free(s);
	strv_free(v);

	struct key_settings bare = {.name = "bob"};
	p.log_file = NULL;
	v = serve_pppd_argv(&bare, &p);
	s = joined(v);
	assert_string_equal(s, "/usr/sbin/pppd call sshdial-serve-noauth notty nodetach "
	                       "192.168.77.1:192.168.77.10 lcp-echo-interval 5 lcp-echo-failure 4 "
	                       "ipparam bob");
	free(s);
	strv_free(v);

	/* ipv6-prefix: IPV6CP, each end's identifier its IPv4 address. */
	bare.has_ipv6 = true;
	v = serve_pppd_argv(&bare, &p);
	s = joined(v);
	assert_non_null(strstr(s, " +ipv6 ipv6 ::192.168.77.1,::192.168.77.10 "));
	free(s);
	strv_free(v);
}

/* The frame transport: the options file with the plugin, the session's descriptor, and
 * no tty option (the plugin refuses them). */
static void test_pppd_argv_frames(void **state)
{
	(void)state;
	struct key_settings k = {.name = "alice", .pap = true};
	struct serve_pppd_params p = {.local = addr("192.168.77.1"),
	                              .remote = addr("192.168.77.10"),
	                              .echo_interval = 5,
	                              .echo_failure = 4,
	                              .frames = true,
	                              .session_fd = 7};
	struct strv *v = serve_pppd_argv(&k, &p);
	char *s = joined(v);
	assert_string_equal(s, "/usr/sbin/pppd call sshdial-serve-frames pppol2tp 7 nodetach "
	                       "192.168.77.1:192.168.77.10 require-pap lcp-echo-interval 5 "
	                       "lcp-echo-failure 4 ipparam alice");
	free(s);
	strv_free(v);
	k.pap = false;
	v = serve_pppd_argv(&k, &p);
	s = joined(v);
	assert_non_null(strstr(s, " call sshdial-serve-frames-noauth pppol2tp 7 "));
	assert_null(strstr(s, "notty"));
	free(s);
	strv_free(v);
}

/* A setuid pppd started by an account: the real ids are the account's. */
static void test_proc_ids(void **state)
{
	(void)state;
	struct proc_ids ids;
	assert_true(proc_ids_parse("Name:\tpppd\nUmask:\t0022\nState:\tS (sleeping)\n"
	                           "Uid:\t1001\t0\t0\t0\nGid:\t1001\t1001\t1001\t1001\n"
	                           "FDSize:\t64\nGroups:\t30 998 \nNStgid:\t42\n",
	                           &ids));
	assert_int_equal(ids.ruid, 1001);
	assert_int_equal(ids.rgid, 1001);
	assert_int_equal(ids.ngroups, 2);
	assert_true(proc_ids_in_group(&ids, 998));
	assert_true(proc_ids_in_group(&ids, 30));
	assert_true(proc_ids_in_group(&ids, 1001));
	assert_false(proc_ids_in_group(&ids, 0));
	assert_false(proc_ids_in_group(&ids, 42));
	/* No supplementary groups. */
	assert_true(
	    proc_ids_parse("Uid:\t5\t5\t5\t5\nGid:\t7\t7\t7\t7\nGroups:\t\nNStgid:\t3\n", &ids));
	assert_int_equal(ids.ngroups, 0);
	assert_false(proc_ids_in_group(&ids, 3));
	assert_false(proc_ids_parse("Name:\tx\n", &ids));
	/* This process, through /proc. */
	assert_true(proc_ids_read(getpid(), &ids));
	assert_int_equal(ids.ruid, getuid());
	assert_true(proc_ids_in_group(&ids, getgid()));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_request),   cmocka_unit_test(test_quote),
	    cmocka_unit_test(test_pppd_argv), cmocka_unit_test(test_pppd_argv_frames),
	    cmocka_unit_test(test_proc_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
