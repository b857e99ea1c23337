/* Which accounts route-all refuses as local-user (account_use.h): nobody, and one that runs
 * processes other than sshdial's own; and the scan of /proc that counts those. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/account.h"
#include "lib/proc.h"
#include "skip.h"

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

/* A process of the account counts while it runs, and not once it is a zombie (an ssh of a
 * killed sshdial whose new parent has not reaped it yet): a zombie sends nothing. */
static void test_zombie_not_counted(void **state)
{
	(void)state;
	const uid_t uid = 54321; /* no account's: only this test's child runs as it */
	if (geteuid() != 0)
		skip_because("needs root: a child process of another uid");
	int go[2];
	assert_int_equal(pipe(go), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char c;
		close(go[1]);
		if (setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0)
			_exit(1);
		(void)!read(go[0], &c, 1); /* runs until the parent closes its end */
		_exit(0);
	}
	close(go[0]);
	struct account_use use;
	for (int i = 0; i < 1000; i++) { /* until the child has changed its ids */
		account_use_scan(uid, &use);
		if (use.foreign)
			break;
		nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
	}
	assert_int_equal(use.foreign, 1);
	assert_int_equal(use.example, pid);
	close(go[1]);
	for (int i = 0; i < 1000 && proc_state(pid) != 'Z'; i++)
		nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
	assert_int_equal(proc_state(pid), 'Z');
	account_use_scan(uid, &use);
	assert_int_equal(use.foreign, 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(proc_state(pid), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nobody_refused),
	    cmocka_unit_test(test_busy_account_refused),
	    cmocka_unit_test(test_quiet_account_accepted),
	    cmocka_unit_test(test_scan_finds_this_process),
	    cmocka_unit_test(test_zombie_not_counted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
