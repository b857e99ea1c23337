/* The path to the server as a value: compared field by field, formatted as ip-route(8)
 * says it. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "net/netpath.h"

static struct net_addr addr(const char *text)
{
	struct net_addr a = {0};
	unsigned char b[16];
	if (inet_pton(AF_INET, text, b) == 1)
		net_addr_set(&a, AF_INET, b, 4);
	else if (inet_pton(AF_INET6, text, b) == 1)
		net_addr_set(&a, AF_INET6, b, 16);
	return a;
}

static struct net_path path(int ifindex, const char *ifname, const char *via, const char *src)
{
	struct net_path p = {.family = AF_INET, .ifindex = ifindex};
	snprintf(p.ifname, sizeof(p.ifname), "%s", ifname);
	if (via)
		p.gateway = addr(via);
	if (src)
		p.source = addr(src);
	return p;
}

static void format_like_ip_route(void **state)
{
	(void)state;
	char buf[NET_PATH_STRLEN];
	struct net_path p = path(2, "eth0", "10.0.0.1", "10.0.0.5");
	net_path_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "dev eth0 via 10.0.0.1 src 10.0.0.5");
	p = path(3, "wlan0", NULL, "192.168.1.9");
	net_path_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "dev wlan0 src 192.168.1.9");
	p = path(7, "", NULL, NULL); /* the interface went away since the lookup */
	net_path_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "dev 7");
	struct net_path none = {0};
	net_path_format(&none, buf, sizeof(buf));
	assert_string_equal(buf, "no route");
}

static void format_ipv6_and_short_buffers(void **state)
{
	(void)state;
	char buf[NET_PATH_STRLEN], tiny[8];
	struct net_path p = path(4, "eth1", "fe80::1", "2001:db8::5");
	p.family = AF_INET6;
	net_path_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "dev eth1 via fe80::1 src 2001:db8::5");
	net_path_format(&p, tiny, sizeof(tiny));
	assert_string_equal(tiny, "dev eth");
}

static void equal_compares_values_not_names(void **state)
{
	(void)state;
	struct net_path a = path(2, "eth0", "10.0.0.1", "10.0.0.5");
	struct net_path b = path(2, "renamed", "10.0.0.1", "10.0.0.5");
	assert_true(net_path_equal(&a, &b)); /* the name is for messages only */
	b = path(3, "eth0", "10.0.0.1", "10.0.0.5");
	assert_false(net_path_equal(&a, &b)); /* another interface, even with the same name */
	b = path(2, "eth0", "10.0.0.2", "10.0.0.5");
	assert_false(net_path_equal(&a, &b));
	b = path(2, "eth0", NULL, "10.0.0.5");
	assert_false(net_path_equal(&a, &b)); /* a gateway appeared or went */
	b = path(2, "eth0", "10.0.0.1", "10.0.0.6");
	assert_false(net_path_equal(&a, &b));
	struct net_path none = {0}, none2 = {.ifindex = 9}; /* unrouted: the rest is noise */
	assert_true(net_path_equal(&none, &none2));
	assert_false(net_path_equal(&a, &none));
	assert_false(net_path_equal(&none, &a));
}

static void same_source_is_what_a_connection_needs(void **state)
{
	(void)state;
	struct net_path a = path(2, "eth0", "10.0.0.1", "10.0.0.5");
	struct net_path b = path(3, "eth1", "10.9.0.1", "10.0.0.5");
	assert_true(net_path_same_source(&a, &b));
	b = path(2, "eth0", "10.0.0.1", "10.0.0.6");
	assert_false(net_path_same_source(&a, &b));
	b = path(2, "eth0", "10.0.0.1", NULL);
	assert_false(net_path_same_source(&a, &b));
	/* the same bytes in another family are another address */
	struct net_addr v4 = addr("0.0.0.0"), v6 = addr("::");
	assert_false(net_addr_equal(&v4, &v6));
	unsigned char five[5] = {0};
	assert_int_equal(net_addr_set(&v4, AF_INET, five, sizeof(five)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(format_like_ip_route),
	    cmocka_unit_test(format_ipv6_and_short_buffers),
	    cmocka_unit_test(equal_compares_values_not_names),
	    cmocka_unit_test(same_source_is_what_a_connection_needs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
