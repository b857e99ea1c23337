/* Where check --leaks sends its DNS probes (dns_servers.h): the servers behind
 * systemd-resolved's stub, as resolvectl lists them per link, chosen the way resolved routes
 * an ordinary name; and a resolv.conf's nameservers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "netconf/dns_servers.h"
#include "netconf/leakcheck.h"

static const char *text_of(const struct dns_target *d, char *buf)
{
	return inet_ntop(d->addr.family, &d->addr.u, buf, INET6_ADDRSTRLEN);
}

/* The link is up: ppp0 has ~., so names go to its server only, bound to ppp0. */
static void test_routing_domain_wins(void **state)
{
	(void)state;
	struct dns_target t[DNS_TARGETS_MAX];
	char a[INET6_ADDRSTRLEN];
	const char *dns = "Global:\nLink 2 (e2e0): 10.77.0.53\nLink 7 (ppp0): 192.168.77.1\n";
	const char *domain = "Global:\nLink 2 (e2e0): lan.example\nLink 7 (ppp0): ~.\n";
	const char *route = "Link 2 (e2e0): yes\nLink 7 (ppp0): yes\n";

	assert_int_equal(dns_targets_resolved(dns, domain, route, t, DNS_TARGETS_MAX), 1);
	assert_string_equal(text_of(&t[0], a), "192.168.77.1");
	assert_int_equal(t[0].ifindex, 7);
	assert_string_equal(t[0].ifname, "ppp0");
}

/* The link is down: the LAN's server (a default route for names) and the global one. */
static void test_default_routes(void **state)
{
	(void)state;
	struct dns_target t[DNS_TARGETS_MAX];
	char a[INET6_ADDRSTRLEN];
	const char *dns = "Global: 9.9.9.9#dns.quad9.net\n"
	                  "Link 2 (e2e0): 10.77.0.53 [fe80::1%2]:53\n"
	                  "Link 3 (wlan0): 10.1.0.1:53\n"
	                  "Link 4 (vpn0): 10.8.0.1\n";
	const char *domain = "Global:\nLink 2 (e2e0):\nLink 3 (wlan0):\nLink 4 (vpn0): ~corp\n";
	const char *route = "Link 2 (e2e0): yes\nLink 3 (wlan0): yes\nLink 4 (vpn0): no\n";

	assert_int_equal(dns_targets_resolved(dns, domain, route, t, DNS_TARGETS_MAX), 4);
	assert_string_equal(text_of(&t[0], a), "9.9.9.9");
	assert_int_equal(t[0].ifindex, 0);
	assert_string_equal(text_of(&t[1], a), "10.77.0.53");
	assert_int_equal(t[1].ifindex, 2);
	assert_string_equal(t[1].ifname, "e2e0");
	assert_string_equal(text_of(&t[2], a), "fe80::1");
	assert_string_equal(text_of(&t[3], a), "10.1.0.1");
	assert_string_equal(t[3].ifname, "wlan0");
	/* Without default-route's answer every link counts. */
	assert_int_equal(dns_targets_resolved(dns, domain, "", t, DNS_TARGETS_MAX), 5);
	/* At most max. */
	assert_int_equal(dns_targets_resolved(dns, domain, route, t, 2), 2);
}

static void test_nothing_or_garbage(void **state)
{
	(void)state;
	struct dns_target t[DNS_TARGETS_MAX];

	assert_int_equal(dns_targets_resolved("Global:\nLink 2 (e2e0):\n", "", "", t, 8), 0);
	assert_int_equal(dns_targets_resolved("", "", "", t, 8), -1);
	assert_int_equal(
	    dns_targets_resolved("Failed to get global data: Connection refused\n", "", "", t, 8),
	    -1);
	assert_int_equal(dns_targets_resolved("Link x (e2e0): 1.2.3.4\nLink 0 (lo): 1.2.3.4\n"
	                                      "Link 3 (a-name-far-too-long-for-linux): 1.2.3.4\n",
	                                      "", "", t, 8),
	                 -1);
	assert_int_equal(
	    dns_targets_resolved("Link 3 (e2e0): not-an-address 1.2.3.4.5\n", "", "", t, 8), 0);
}

static void test_resolv_conf(void **state)
{
	(void)state;
	struct dns_target t[DNS_TARGETS_MAX];
	char a[INET6_ADDRSTRLEN];

	assert_int_equal(dns_targets_resolv("# x\nnameserver 10.77.0.53\nsearch lan\n"
	                                    "nameserver 2001:db8::53\nnameserver bogus\n",
	                                    t, DNS_TARGETS_MAX),
	                 2);
	assert_string_equal(text_of(&t[0], a), "10.77.0.53");
	assert_int_equal(t[0].ifindex, 0);
	assert_string_equal(text_of(&t[1], a), "2001:db8::53");
	assert_int_equal(dns_targets_resolv("", t, DNS_TARGETS_MAX), 0);
}

/* The probes' uid is neither root nor local-user's. */
static void test_probe_uid(void **state)
{
	(void)state;
	assert_int_equal(leakcheck_probe_uid(1001), 65534);
	assert_int_equal(leakcheck_probe_uid(0), 65534);
	assert_int_equal(leakcheck_probe_uid(65534), 65533);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_routing_domain_wins), cmocka_unit_test(test_default_routes),
	    cmocka_unit_test(test_nothing_or_garbage),  cmocka_unit_test(test_resolv_conf),
	    cmocka_unit_test(test_probe_uid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
