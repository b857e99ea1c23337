#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/known_hosts.h"
#include "lib/account.h"

static void test_name(void **state)
{
	(void)state;
	char buf[64];
	known_hosts_name(buf, sizeof(buf), "gw.example.org", 0);
	assert_string_equal(buf, "gw.example.org");
	known_hosts_name(buf, sizeof(buf), "gw.example.org", 22);
	assert_string_equal(buf, "gw.example.org");
	known_hosts_name(buf, sizeof(buf), "10.0.0.2", 2222);
	assert_string_equal(buf, "[10.0.0.2]:2222");
}

static void test_scan_lines(void **state)
{
	(void)state;
	const char *out = "# 10.0.0.2:22 SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\n"
	                  "10.0.0.2 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ4w\n"
	                  "10.0.0.2 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ4w\n"
	                  "connect (`10.0.0.3'): Connection refused\n"
	                  "[10.0.0.2]:2222 ecdsa-sha2-nistp256 AAAAE2VjZHNh+/=\r\n"
	                  "10.0.0.2 ssh-rsa AAAA B\n"
	                  "10.0.0.2 unknown-type AAAA\n"
	                  "10.0.0.2 ssh-rsa not*base64\n"
	                  "10.0.0.2 ssh-rsa";
	struct strv *v = known_hosts_scan_lines(out);
	assert_int_equal(strv_len(v), 2);
	assert_string_equal(strv_get(v, 0), "10.0.0.2 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ4w");
	assert_string_equal(strv_get(v, 1), "[10.0.0.2]:2222 ecdsa-sha2-nistp256 AAAAE2VjZHNh+/=");
	strv_free(v);
	v = known_hosts_scan_lines("");
	assert_int_equal(strv_len(v), 0);
	strv_free(v);
}

static void test_fingerprint(void **state)
{
	(void)state;
	char fp[64];
	assert_true(known_hosts_fingerprint(
	    "256 SHA256:3Gf83mWdw0sKp7f8IJ3AWgxaKqzJRhgySUaVXuySQBs 10.0.0.2 (ED25519)\n", fp,
	    sizeof(fp)));
	assert_string_equal(fp, "SHA256:3Gf83mWdw0sKp7f8IJ3AWgxaKqzJRhgySUaVXuySQBs");
	assert_false(
	    known_hosts_fingerprint("(stdin) is not a public key file.\n", fp, sizeof(fp)));
	assert_false(known_hosts_fingerprint("256 SHA256: x", fp, sizeof(fp)));
	assert_false(known_hosts_fingerprint("256 SHA256:abcdef x", fp, 8));

	const char *real = "SHA256:3Gf83mWdw0sKp7f8IJ3AWgxaKqzJRhgySUaVXuySQBs";
	assert_true(known_hosts_fingerprint_matches(real, real));
	assert_true(known_hosts_fingerprint_matches(real + 7, real));
	assert_true(known_hosts_fingerprint_matches(
	    "SHA256:3Gf83mWdw0sKp7f8IJ3AWgxaKqzJRhgySUaVXuySQBs=", real));
	assert_false(known_hosts_fingerprint_matches(
	    "SHA256:3gf83mWdw0sKp7f8IJ3AWgxaKqzJRhgySUaVXuySQBs", real));
	assert_false(
	    known_hosts_fingerprint_matches("SHA256:3Gf83mWdw0sKp7f8IJ3AWgxaKqzJRhgySU", real));
	assert_false(known_hosts_fingerprint_matches("", real));
	assert_false(known_hosts_fingerprint_matches("SHA256:", real));
}

/* As this process's own account: the kernel's answer, ENOENT and all. */
static void test_access_as_self(void **state)
{
	(void)state;
	char path[] = "/tmp/sshdial-test-access-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(access_as("me", geteuid(), getegid(), path, R_OK), 0);
	unlink(path);
	assert_int_equal(access_as("me", geteuid(), getegid(), path, R_OK), ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_name),
	    cmocka_unit_test(test_scan_lines),
	    cmocka_unit_test(test_fingerprint),
	    cmocka_unit_test(test_access_as_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
