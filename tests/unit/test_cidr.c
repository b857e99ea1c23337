#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/socket.h>

#include "lib/cidr.h"

static void assert_formats(const char *in, const char *out)
{
	struct cidr c;
	char buf[CIDR_STRLEN];
	assert_true(cidr_parse(in, &c));
	cidr_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, out);
}

static void test_ipv4(void **state)
{
	(void)state;
	struct cidr c;
	assert_true(cidr_parse("10.1.0.0/16", &c));
	assert_int_equal(c.family, AF_INET);
	assert_int_equal(c.prefixlen, 16);
	assert_int_equal(c.addr[0], 10);
	assert_int_equal(c.addr[1], 1);
	assert_formats("10.1.0.0/16", "10.1.0.0/16");
	assert_formats("0.0.0.0/0", "0.0.0.0/0");
	assert_formats("192.168.7.1/32", "192.168.7.1/32");
}

static void test_ipv6(void **state)
{
	(void)state;
	struct cidr c;
	assert_true(cidr_parse("2001:db8::/32", &c));
	assert_int_equal(c.family, AF_INET6);
	assert_int_equal(c.prefixlen, 32);
	assert_formats("2001:DB8:0::/48", "2001:db8::/48");
	assert_formats("::/0", "::/0");
}

static void test_bare_address_is_host_route(void **state)
{
	(void)state;
	assert_formats("10.9.8.7", "10.9.8.7/32");
	assert_formats("2001:db8::1", "2001:db8::1/128");
}

static void test_host_bits(void **state)
{
	(void)state;
	struct cidr c;
	char buf[CIDR_STRLEN];
	assert_false(cidr_parse("10.0.0.1/8", &c));
	assert_int_equal(cidr_parse_status("10.0.0.1/8", &c), CIDR_HOST_BITS);
	cidr_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.0/8");
	assert_int_equal(cidr_parse_status("10.1.2.255/23", &c), CIDR_HOST_BITS);
	cidr_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "10.1.2.0/23");
	assert_int_equal(cidr_parse_status("2001:db8::1/64", &c), CIDR_HOST_BITS);
	cidr_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::/64");
}

static void test_bad_syntax(void **state)
{
	(void)state;
	struct cidr c = {.family = 99};
	assert_int_equal(cidr_parse_status("10.0.0.300/8", &c), CIDR_BAD_ADDRESS);
	assert_int_equal(cidr_parse_status("10.1/16", &c), CIDR_BAD_ADDRESS);
	assert_int_equal(cidr_parse_status("", &c), CIDR_BAD_ADDRESS);
	assert_int_equal(cidr_parse_status("host.example/8", &c), CIDR_BAD_ADDRESS);
	assert_int_equal(cidr_parse_status("10.0.0.0/33", &c), CIDR_BAD_PREFIX);
	assert_int_equal(cidr_parse_status("10.0.0.0/", &c), CIDR_BAD_PREFIX);
	assert_int_equal(cidr_parse_status("10.0.0.0/+8", &c), CIDR_BAD_PREFIX);
	assert_int_equal(cidr_parse_status("10.0.0.0/8x", &c), CIDR_BAD_PREFIX);
	assert_int_equal(cidr_parse_status("2001:db8::/129", &c), CIDR_BAD_PREFIX);
	assert_int_equal(c.family, 99); /* untouched on failure */
}

static void test_equal(void **state)
{
	(void)state;
	struct cidr a, b;
	assert_true(cidr_parse("10.0.0.0/8", &a));
	assert_true(cidr_parse("10.0.0.0/8", &b));
	assert_true(cidr_equal(&a, &b));
	assert_true(cidr_parse("10.0.0.0/9", &b));
	assert_false(cidr_equal(&a, &b));
	assert_int_equal(cidr_max_prefix(&a), 32);
}

static void test_ipv6_host(void **state)
{
	(void)state;
	struct cidr prefix, host;
	const unsigned char v4[4] = {192, 168, 77, 10};
	char buf[CIDR_STRLEN];
	assert_true(cidr_parse("fd83:1::/64", &prefix));
	assert_true(cidr_ipv6_host(&prefix, v4, &host));
	cidr_format(&host, buf, sizeof(buf));
	assert_string_equal(buf, "fd83:1::c0a8:4d0a/128");
	assert_true(cidr_parse("fd83:1::/96", &prefix));
	assert_true(cidr_ipv6_host(&prefix, v4, &host));
	assert_true(cidr_parse("fd83:1::/112", &prefix)); /* no room for an IPv4 address */
	assert_false(cidr_ipv6_host(&prefix, v4, &host));
	assert_true(cidr_parse("10.0.0.0/8", &prefix));
	assert_false(cidr_ipv6_host(&prefix, v4, &host));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipv4),
	    cmocka_unit_test(test_ipv6),
	    cmocka_unit_test(test_bare_address_is_host_route),
	    cmocka_unit_test(test_host_bits),
	    cmocka_unit_test(test_bad_syntax),
	    cmocka_unit_test(test_equal),
	    cmocka_unit_test(test_ipv6_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
