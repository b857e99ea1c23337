#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl/hook_args.h"

/* As pppd runs the script: the kind first (main.c turns the link's name into it). */
static void test_as_pppd_runs_it(void **state)
{
	(void)state;
	char *argv[] = {"ip-up", "ppp0", "/dev/pts/3", "0", "10.0.0.2", "10.0.0.1", "office"};
	struct hook_args a;
	assert_true(hook_args_parse(7, argv, "hook", &a));
	assert_int_equal(a.kind, HOOK_IP_UP);
	assert_string_equal(a.ifname, "ppp0");
	assert_string_equal(a.tty, "/dev/pts/3");
	assert_string_equal(a.speed, "0");
	assert_string_equal(a.local, "10.0.0.2");
	assert_string_equal(a.remote, "10.0.0.1");
	assert_string_equal(a.ipparam, "office");
}

/* Typed out, after the subcommand's name; empty values are values. */
static void test_typed_out(void **state)
{
	(void)state;
	char *argv[] = {"serve-hook", "ip-down", "ppp1", "", "", "", "", ""};
	struct hook_args a;
	assert_true(hook_args_parse(8, argv, "serve-hook", &a));
	assert_int_equal(a.kind, HOOK_IP_DOWN);
	assert_string_equal(a.ifname, "ppp1");
	assert_string_equal(a.ipparam, "");
	/* Another subcommand's name is not skipped: it is not a kind. */
	assert_false(hook_args_parse(8, argv, "hook", &a));
}

static void test_refused(void **state)
{
	(void)state;
	struct hook_args a;
	char *few[] = {"ip-up", "ppp0", "tty", "0", "l", "r"};
	assert_false(hook_args_parse(6, few, "hook", &a));
	char *many[] = {"ip-up", "ppp0", "tty", "0", "l", "r", "p", "extra"};
	assert_false(hook_args_parse(8, many, "hook", &a));
	char *kind[] = {"ip-sideways", "ppp0", "tty", "0", "l", "r", "p"};
	assert_false(hook_args_parse(7, kind, "hook", &a));
	char *only[] = {"hook"};
	assert_false(hook_args_parse(1, only, "hook", &a));
	assert_false(hook_args_parse(0, only, "hook", &a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_as_pppd_runs_it),
	    cmocka_unit_test(test_typed_out),
	    cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
