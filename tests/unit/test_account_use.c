/* Which accounts route-all refuses as local-user (account_use.h): nobody, and one that runs
 * processes other than sshdial's own; and the scan of /proc that counts those. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <unistd.h>

#include "lib/account.h"

static void test_nobody_refused(void **state)
{
	(void)state;
	struct account_use none = {0};
	char buf[400];

	const char *why = account_refusal("nobody", 65534, &none, buf, sizeof(buf));
	assert_non_null(why);
	assert_non_null(strstr(why, "local-user 'nobody' (uid 65534) is nobody"));
	assert_non_null(strstr(why, "bypass the link"));
	/* By uid, whatever the name (nfsnobody), and by name. */
	assert_non_null(account_refusal("nfsnobody", 65534, &none, buf, sizeof(buf)));
	assert_non_null(account_refusal("nobody", 99, &none, buf, sizeof(buf)));
}

static void test_busy_account_refused(void **state)
{
	(void)state;
	struct account_use one = {.foreign = 1, .example = 812, .comm = "Xorg"};
	struct account_use many = {.foreign = 37, .example = 12, .comm = "systemd"};
	char buf[400];

	const char *why = account_refusal("alice", 1000, &one, buf, sizeof(buf));
	assert_non_null(why);
	assert_non_null(strstr(why,
	                       "local-user 'alice' (uid 1000) runs 1 process that is not sshdial's "
	                       "(pid 812, Xorg)"));
	assert_non_null(strstr(why, "an account of its own"));
	why = account_refusal("root", 0, &many, buf, sizeof(buf));
	assert_non_null(strstr(why, "runs 37 processes that are not sshdial's (pid 12, systemd)"));
}

static void test_quiet_account_accepted(void **state)
{
	(void)state;
	struct account_use none = {0};
	char buf[400];

	assert_null(account_refusal("sshdial-ssh", 998, &none, buf, sizeof(buf)));
	assert_null(account_refusal("dialer", 1001, NULL, buf, sizeof(buf)));
}

/* This test's own process is no sshdial's: the scan finds it under our uid. */
static void test_scan_finds_this_process(void **state)
{
	(void)state;
	struct account_use use;

	account_use_scan((uint32_t)geteuid(), &use);
	assert_true(use.foreign >= 1);
	assert_true(use.example > 0);
	assert_true(use.comm[0] != '\0');
	/* An account with nothing running. */
	account_use_scan(4000000000u, &use);
	assert_int_equal(use.foreign, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nobody_refused),
	    cmocka_unit_test(test_busy_account_refused),
	    cmocka_unit_test(test_quiet_account_accepted),
	    cmocka_unit_test(test_scan_finds_this_process),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
