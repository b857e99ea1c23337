#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/err.h"
#include "netconf/change.h"
#include "netconf/dns.h"
#include "tmpdir.h"

static int setup(void **state)
{
	*state = tmpdir_new();
	return 0;
}

static int teardown(void **state)
{
	tmpdir_remove(*state);
	return 0;
}

static void text_replaces_servers(void **state)
{
	(void)state;
	char buf[512];
	const char *two[] = {"192.168.77.1", "fd00::53"};
	int n = dns_resolv_text(buf, sizeof(buf), "office", "ppp0", two, 2);
	assert_int_equal(n, (int)strlen(buf));
	assert_non_null(strstr(buf, "\nnameserver 192.168.77.1\nnameserver fd00::53\n"));
	assert_int_equal(strncmp(buf, "# Written by sshdial for office while ppp0 is up", 47), 0);
	/* Only nameserver lines besides the comment: nothing of the old file is kept. */
	assert_null(strstr(buf, "search"));
}

static void text_refuses_non_addresses(void **state)
{
	(void)state;
	char buf[512];
	const char *bad[] = {"192.168.77.1\nnameserver 10.0.0.1"};
	const char *name[] = {"dns.example.org"};
	const char *one[] = {"10.0.0.1"};
	assert_int_equal(dns_resolv_text(buf, sizeof(buf), "p", "ppp0", bad, 1), -1);
	assert_int_equal(dns_resolv_text(buf, sizeof(buf), "p", "ppp0", name, 1), -1);
	assert_int_equal(dns_resolv_text(buf, sizeof(buf), "p", "ppp0", one, 0), -1);
	assert_int_equal(dns_resolv_text(buf, 40, "p", "ppp0", one, 1), -1);
}

static void detect(void **state)
{
	const char *dir = *state;
	char *plain = tmpdir_file(dir, "plain", "nameserver 10.0.0.1\n", 0644);
	char *stub =
	    tmpdir_file(dir, "stub", "# resolved\nnameserver 127.0.0.53\noptions edns0\n", 0644);
	char *mixed =
	    tmpdir_file(dir, "mixed", "nameserver 127.0.0.53\nnameserver 10.0.0.1\n", 0644);
	char *tool = tmpdir_file(dir, "resolvconf", "#!/bin/sh\n", 0755);
	char *notool = tmpdir_file(dir, "notexec", "#!/bin/sh\n", 0644);
	char link[300], missing[300];
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	assert_int_equal(symlink("../run/systemd/resolve/stub-resolv.conf", link), 0);

	assert_int_equal(dns_backend_detect(plain, NULL), DNS_BACKEND_FILE);
	assert_int_equal(dns_backend_detect(plain, notool), DNS_BACKEND_FILE);
	assert_int_equal(dns_backend_detect(plain, missing), DNS_BACKEND_FILE);
	assert_int_equal(dns_backend_detect(plain, tool), DNS_BACKEND_RESOLVCONF);
	assert_int_equal(dns_backend_detect(missing, tool), DNS_BACKEND_RESOLVCONF);
	assert_int_equal(dns_backend_detect(stub, tool), DNS_BACKEND_RESOLVED);
	assert_int_equal(dns_backend_detect(link, NULL), DNS_BACKEND_RESOLVED);
	assert_int_equal(dns_backend_detect(mixed, NULL), DNS_BACKEND_FILE);
	free(plain);
	free(stub);
	free(mixed);
	free(tool);
	free(notool);
}

static void assert_argv(const char *const *argv, size_t argc, const char *want)
{
	char got[512] = "";
	size_t at = 0;
	for (size_t i = 0; i < argc; i++)
		at += (size_t)snprintf(got + at, sizeof(got) - at, "%s%s", i ? " " : "", argv[i]);
	assert_null(argv[argc]);
	assert_string_equal(got, want);
}

static void resolvconf_lines(void **state)
{
	(void)state;
	char rec[DNS_RECORD_MAX];
	const char *argv[DNS_ARGV_MAX] = {NULL};
	size_t argc;

	assert_int_equal(dns_resolvconf_record(rec, sizeof(rec), "ppp0", "office"), 19);
	assert_string_equal(rec, "ppp0.sshdial-office");
	argc = dns_resolvconf_argv(argv, true, rec);
	assert_argv(argv, argc, "resolvconf -a ppp0.sshdial-office");
	argc = dns_resolvconf_argv(argv, false, rec);
	assert_argv(argv, argc, "resolvconf -d ppp0.sshdial-office");
	/* Names resolvconf refuses (leading '-', '.', '~'; '/' or a space) are never made. */
	assert_int_equal(dns_resolvconf_record(rec, sizeof(rec), "-ppp0", "office"), -1);
	assert_int_equal(dns_resolvconf_record(rec, sizeof(rec), "~ppp0", "office"), -1);
	assert_int_equal(dns_resolvconf_record(rec, sizeof(rec), "ppp/0", "office"), -1);
	assert_int_equal(dns_resolvconf_record(rec, sizeof(rec), "ppp0", "a b"), -1);
	assert_int_equal(dns_resolvconf_record(rec, sizeof(rec), "ppp0", "../x"), -1);
	assert_int_equal(dns_resolvconf_record(rec, 10, "ppp0", "office"), -1);
}

static void resolved_lines(void **state)
{
	(void)state;
	const char *two[] = {"192.168.77.1", "fd00::53"}, *argv[DNS_ARGV_MAX] = {NULL};
	size_t argc;

	argc = dns_resolved_argv(argv, RESOLVED_DNS, "ppp0", two, 2, true);
	assert_argv(argv, argc, "resolvectl dns ppp0 192.168.77.1 fd00::53");
	argc = dns_resolved_argv(argv, RESOLVED_DOMAIN, "ppp0", two, 2, true);
	assert_argv(argv, argc, "resolvectl domain ppp0 ~.");
	argc = dns_resolved_argv(argv, RESOLVED_DEFAULT_ROUTE, "ppp0", two, 2, false);
	assert_argv(argv, argc, "resolvectl default-route ppp0 yes");
	argc = dns_resolved_argv(argv, RESOLVED_REVERT, "ppp1", NULL, 0, false);
	assert_argv(argv, argc, "resolvectl revert ppp1");
	/* Without route-all, other links' domains keep their servers: no "~.". */
	assert_int_equal(dns_resolved_argv(argv, RESOLVED_DOMAIN, "ppp0", two, 2, false), 0);
	assert_int_equal(dns_resolved_argv(argv, RESOLVED_DNS, "ppp0", two, 0, false), 0);
}

static void resolved_spec(void **state)
{
	(void)state;
	const char *two[] = {"192.168.77.1", "fd00::53"}, *bad[] = {"x;y"}, *got[DNS_SERVERS_MAX];
	char buf[128];
	bool all;

	assert_int_equal(dns_resolved_spec(buf, sizeof(buf), two, 2, true), 24);
	assert_string_equal(buf, "192.168.77.1 fd00::53 ~.");
	assert_int_equal(dns_resolved_parse(buf, got, &all), 2);
	assert_true(all);
	assert_string_equal(got[0], "192.168.77.1");
	assert_string_equal(got[1], "fd00::53");
	assert_int_equal(dns_resolved_spec(buf, sizeof(buf), two, 1, false), 12);
	assert_int_equal(dns_resolved_parse(buf, got, &all), 1);
	assert_false(all);
	assert_int_equal(dns_resolved_spec(buf, sizeof(buf), bad, 1, false), -1);
	assert_int_equal(dns_resolved_spec(buf, 10, two, 2, false), -1);
	char junk[] = "10.0.0.1 ~. 10.0.0.2", word[] = "10.0.0.1 --help";
	assert_int_equal(dns_resolved_parse(junk, got, &all), -1);
	assert_int_equal(dns_resolved_parse(word, got, &all), -1);
}

/* A failing command's own message and exit status, with the peer and the interface. */
static void command_failure_message(void **state)
{
	char *tool =
	    tmpdir_file(*state, "resolvconf",
	                "#!/bin/sh\necho \"resolvconf: Error: Initial dot not allowed\" >&2\n"
	                "echo second line >&2\nexit 1\n",
	                0755);
	struct err e = {0};
	struct change_env env = {.label = "office", .err = &e};
	const char *argv[DNS_ARGV_MAX];
	char line[ERR_LINE_MAX];

	dns_resolvconf_argv(argv, false, "ppp0.sshdial-office");
	assert_int_equal(dns_cmd_run(&env, "ppp0", tool, argv, NULL, 0), -1);
	err_format(&e, line, sizeof(line));
	char want[512];
	snprintf(want, sizeof(want),
	         "office: ppp0: %s -d ppp0.sshdial-office exited with status 1: resolvconf: Error: "
	         "Initial dot not allowed",
	         tool);
	assert_string_equal(line, want);
	free(tool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(text_replaces_servers),
	    cmocka_unit_test(text_refuses_non_addresses),
	    cmocka_unit_test_setup_teardown(detect, setup, teardown),
	    cmocka_unit_test(resolvconf_lines),
	    cmocka_unit_test(resolved_lines),
	    cmocka_unit_test(resolved_spec),
	    cmocka_unit_test_setup_teardown(command_failure_message, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
