/* route-all's allow-lan: which networks may bypass the link.  Only those inside the private
 * and link-local ranges, never a public one nor a range wider than a private one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "netconf/route_all.h"

static bool lan(const char *text)
{
	struct cidr c;
	if (!cidr_parse(text, &c))
		fail_msg("bad test CIDR %s", text);
	return policy_lan_private(&c);
}

static void test_private_ranges(void **state)
{
	(void)state;
	assert_true(lan("10.0.0.0/8"));
	assert_true(lan("10.77.1.0/24"));
	assert_true(lan("172.16.0.0/12"));
	assert_true(lan("172.31.255.0/24"));
	assert_true(lan("192.168.1.0/24"));
	assert_true(lan("169.254.0.0/16"));
	assert_true(lan("fe80::/64"));
	assert_true(lan("fd00:cafe::/64"));
	assert_true(lan("fc00::/7"));
}

static void test_public_never(void **state)
{
	(void)state;
	assert_false(lan("0.0.0.0/0"));
	assert_false(lan("8.0.0.0/7"));     /* wider than 10/8, reaching past it */
	assert_false(lan("10.0.0.0/7"));    /* wider than 10/8 */
	assert_false(lan("172.32.0.0/16")); /* just past 172.16/12 */
	assert_false(lan("172.15.0.0/16"));
	assert_false(lan("192.169.0.0/16"));
	assert_false(lan("203.0.113.0/24"));
	assert_false(lan("198.51.100.7"));
	assert_false(lan("2001:db8::/32"));
	assert_false(lan("fec0::/10"));
	assert_false(lan("::/0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_private_ranges),
	    cmocka_unit_test(test_public_never),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
