#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/dns.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(text_replaces_servers),
	    cmocka_unit_test(text_refuses_non_addresses),
	    cmocka_unit_test_setup_teardown(detect, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
