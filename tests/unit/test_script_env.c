/* The environment and arguments of the link's scripts (link/script_env.h): every
 * variable, in order, for an up-script, a down-script and /etc/ppp/ip-up.d. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "link/script_env.h"

static void assert_strv(struct strv *v, const char *const *expected)
{
	size_t n = 0;
	while (expected[n])
		n++;
	for (size_t i = 0; i < n && i < strv_len(v); i++)
		assert_string_equal(strv_get(v, i), expected[i]);
	assert_int_equal(strv_len(v), n);
	assert_null(strv_argv(v)[n]);
	strv_free(v);
}

static const struct script_link full = {.peer = "office",
                                        .ifname = "ppp0",
                                        .local = "10.0.5.2",
                                        .remote = "10.0.5.1",
                                        .local6 = "fd83:1::a00:502",
                                        .server = "gw.example.org",
                                        .dns1 = "10.0.0.53",
                                        .dns2 = "10.0.0.54",
                                        .tty = "/dev/pts/3",
                                        .speed = "38400",
                                        .linkname = "office-link",
                                        .pppd_pid = 4242};

static void test_sshdial_up(void **state)
{
	(void)state;
	assert_strv(script_env_sshdial(&full, true),
	            (const char *const[]){
	                "SSHDIAL_EVENT=up", "SSHDIAL_PEER=office", "SSHDIAL_INTERFACE=ppp0",
	                "IFNAME=ppp0", "SSHDIAL_LOCAL_ADDR=10.0.5.2", "SSHDIAL_PEER_ADDR=10.0.5.1",
	                "SSHDIAL_LOCAL_ADDR6=fd83:1::a00:502", "SSHDIAL_SERVER=gw.example.org",
	                "SSHDIAL_DNS=10.0.0.53 10.0.0.54", "PATH=" SCRIPT_PATH, "LC_ALL=C", NULL});
}

/* No IPv6, a pty command (no server), one DNS server offered twice, or none. */
static void test_sshdial_down_sparse(void **state)
{
	(void)state;
	struct script_link k = {.peer = "p",
	                        .ifname = "ppp1",
	                        .local = "10.1.0.2",
	                        .remote = "10.1.0.1",
	                        .local6 = "",
	                        .dns1 = "10.1.0.53",
	                        .dns2 = "10.1.0.53"};
	assert_strv(script_env_sshdial(&k, false),
	            (const char *const[]){
	                "SSHDIAL_EVENT=down", "SSHDIAL_PEER=p", "SSHDIAL_INTERFACE=ppp1",
	                "IFNAME=ppp1", "SSHDIAL_LOCAL_ADDR=10.1.0.2", "SSHDIAL_PEER_ADDR=10.1.0.1",
	                "SSHDIAL_DNS=10.1.0.53", "PATH=" SCRIPT_PATH, "LC_ALL=C", NULL});
	k.dns1 = "";
	k.dns2 = "10.1.0.54";
	struct strv *v = script_env_sshdial(&k, false);
	assert_string_equal(strv_get(v, 6), "SSHDIAL_DNS=10.1.0.54");
	strv_free(v);
	k.dns2 = NULL;
	v = script_env_sshdial(&k, false);
	assert_string_equal(strv_get(v, 6), "SSHDIAL_DNS=");
	strv_free(v);
}

/* As pppd 2.4.9 sets its scripts' environment and Debian's /etc/ppp/ip-up exports. */
static void test_pppd_env(void **state)
{
	(void)state;
	assert_strv(script_env_pppd(&full),
	            (const char *const[]){"IFNAME=ppp0",         "IPLOCAL=10.0.5.2",
	                                  "IPREMOTE=10.0.5.1",   "DEVICE=/dev/pts/3",
	                                  "SPEED=38400",         "LINKNAME=office-link",
	                                  "CALL_FILE=office",    "PPPD_PID=4242",
	                                  "DNS1=10.0.0.53",      "DNS2=10.0.0.54",
	                                  "PPP_IFACE=ppp0",      "PPP_TTY=/dev/pts/3",
	                                  "PPP_SPEED=38400",     "PPP_LOCAL=10.0.5.2",
	                                  "PPP_REMOTE=10.0.5.1", "PPP_IPPARAM=office",
	                                  "PPP_TTYNAME=pts/3",   "SSHDIAL_PEER=office",
	                                  "PATH=" SCRIPT_PATH,   NULL});
	struct script_link k = full;
	k.dns1 = k.dns2 = "";
	k.pppd_pid = 0;
	k.tty = "";
	struct strv *v = script_env_pppd(&k);
	assert_int_equal(strv_len(v), 16); /* no PPPD_PID, DNS1, DNS2 */
	assert_string_equal(strv_get(v, 3), "DEVICE=");
	assert_string_equal(strv_get(v, 13), "PPP_TTYNAME=");
	strv_free(v);
}

static void test_run_parts_argv(void **state)
{
	(void)state;
	assert_strv(script_argv_run_parts("/bin/run-parts", "/etc/ppp/ip-up.d", &full),
	            (const char *const[]){"/bin/run-parts", "--arg=ppp0", "--arg=/dev/pts/3",
	                                  "--arg=38400", "--arg=10.0.5.2", "--arg=10.0.5.1",
	                                  "--arg=office", "--", "/etc/ppp/ip-up.d", NULL});
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sshdial_up),
	    cmocka_unit_test(test_sshdial_down_sparse),
	    cmocka_unit_test(test_pppd_env),
	    cmocka_unit_test(test_run_parts_argv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
