/* route-all's netfilter guard: the nft script it writes (the whole text, so that any change
 * of what it lets through shows here), its servers, and its journal lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "netconf/guard.h"
#include "lib/err.h"
#include "netconf/journal.h"

static struct guard_spec spec(const char *peer, unsigned uid)
{
	struct guard_spec g;
	memset(&g, 0, sizeof(g));
	assert_true(guard_table_name(g.table, sizeof(g.table), peer) > 0);
	g.uid = uid;
	return g;
}

static void lan(struct guard_spec *g, const char *text)
{
	assert_true(cidr_parse(text, &g->lans[g->nlans++]));
}

static const char head[] = "table inet sshdial_guard_work\n"
                           "delete table inet sshdial_guard_work\n"
                           "table inet sshdial_guard_work {\n"
                           "\tset links {\n"
                           "\t\ttype ifname\n"
                           "\t}\n"
                           "\tchain output {\n"
                           "\t\ttype filter hook output priority filter; policy drop;\n"
                           "\t\toifname \"lo\" accept\n"
                           "\t\toifname @links accept\n";
static const char underlay[] =
    "\t\tudp sport 68 udp dport 67 accept\n"
    "\t\tudp sport 546 udp dport 547 accept\n"
    "\t\ticmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert, "
    "mld-listener-report, mld2-listener-report } accept\n";
static const char tail[] = "\t\tcounter drop\n\t}\n}\n";

static void expect_script(const struct guard_spec *g, const char *middle, const char *lans)
{
	char want[GUARD_SCRIPT_MAX], got[GUARD_SCRIPT_MAX];
	snprintf(want, sizeof(want), "%s%s%s%s%s", head, middle, underlay, lans, tail);
	int n = guard_script(g, got, sizeof(got));
	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(got, want);
}

static void test_servers_by_address(void **state)
{
	(void)state;
	struct guard_spec g = spec("work", 1001);
	guard_add_server(&g, "10.77.2.2", 0);
	guard_add_server(&g, "[2001:db8::7]", 2222);
	guard_add_server(&g, "2001:db8::7", 2222); /* the same once */
	guard_add_server(&g, "10.77.2.2", 22);     /* 0 is ssh's 22 */
	assert_int_equal(g.nservers, 2);
	assert_false(g.dns);
	expect_script(&g,
	              "\t\tmeta skuid 1001 ip daddr 10.77.2.2 tcp dport 22 accept\n"
	              "\t\tip daddr 10.77.2.2 tcp dport 22 tcp flags & rst == rst accept\n"
	              "\t\tmeta skuid 1001 ip6 daddr 2001:db8::7 tcp dport 2222 accept\n"
	              "\t\tip6 daddr 2001:db8::7 tcp dport 2222 tcp flags & rst == rst accept\n",
	              "");
}

static void test_server_by_name_allows_port_and_dns(void **state)
{
	(void)state;
	struct guard_spec g = spec("work", 1001);
	guard_add_server(&g, "vpn.example.org", 443);
	guard_add_server(&g, "jump.example.org", 0);
	guard_add_server(&g, "other.example.org", 443);
	assert_int_equal(g.nservers, 2);
	assert_true(g.dns);
	expect_script(&g,
	              "\t\tmeta skuid 1001 tcp dport 443 accept\n"
	              "\t\ttcp dport 443 tcp flags & rst == rst accept\n"
	              "\t\tmeta skuid 1001 tcp dport 22 accept\n"
	              "\t\ttcp dport 22 tcp flags & rst == rst accept\n"
	              "\t\tmeta skuid 1001 meta l4proto { tcp, udp } th dport 53 accept\n",
	              "");
}

static void test_allow_lan_networks(void **state)
{
	(void)state;
	struct guard_spec g = spec("work", 0);
	guard_add_server(&g, "192.0.2.1", 22);
	lan(&g, "10.77.1.0/24");
	lan(&g, "fd00:cafe::/64");
	lan(&g, "fe80::/10");
	expect_script(&g,
	              "\t\tmeta skuid 0 ip daddr 192.0.2.1 tcp dport 22 accept\n"
	              "\t\tip daddr 192.0.2.1 tcp dport 22 tcp flags & rst == rst accept\n",
	              "\t\tip daddr 10.77.1.0/24 accept\n"
	              "\t\tip6 daddr fd00:cafe::/64 accept\n"
	              "\t\tip6 daddr fe80::/10 accept\n");
}

static void test_pty_lets_local_user_out_whole(void **state)
{
	(void)state;
	struct guard_spec g = spec("work", 1001);
	g.all = true;
	expect_script(&g, "\t\tmeta skuid 1001 accept\n", "");
}

/* More servers than fit: each goes on as its port to any address, never dropped. */
static void test_too_many_servers_widen(void **state)
{
	(void)state;
	struct guard_spec g = spec("work", 1001);
	char host[32];
	for (unsigned i = 0; i < GUARD_SERVERS_MAX + 3; i++) {
		snprintf(host, sizeof(host), "192.0.2.%u", i + 1);
		guard_add_server(&g, host, i < 2 ? 2200 + i : 22);
	}
	assert_false(g.all);
	assert_int_equal(g.nservers, 3);
	for (unsigned i = 0; i < g.nservers; i++)
		assert_int_equal(g.servers[i].addr.family, 0);
	assert_int_equal(g.servers[0].port, 2200);
	assert_int_equal(g.servers[1].port, 2201);
	assert_int_equal(g.servers[2].port, 22);
	/* Ports alone beyond the limit: local-user goes out whole. */
	for (unsigned i = 0; i < GUARD_SERVERS_MAX; i++)
		guard_add_server(&g, "name.example", 3000 + i);
	assert_true(g.all);
}

static void test_names_refused(void **state)
{
	(void)state;
	char buf[GUARD_TABLE_MAX], script[256];
	assert_int_equal(guard_table_name(buf, sizeof(buf), "../x"), -1);
	assert_int_equal(guard_table_name(buf, sizeof(buf), ""), -1);
	assert_false(guard_table_valid("sshdial_guard_"));
	assert_false(guard_table_valid("other_table"));
	assert_false(guard_table_valid("sshdial_guard_a;b"));
	assert_true(guard_table_valid("sshdial_guard_a-b.c_d"));
	struct guard_spec g = spec("work", 1);
	strcpy(g.table, "sshdial_guard_x }");
	assert_int_equal(guard_script(&g, script, sizeof(script)), -1);
	assert_int_equal(guard_link_script(script, sizeof(script), "sshdial_guard_w", "a\"b", true),
	                 -1);
	assert_true(guard_link_script(script, sizeof(script), "sshdial_guard_w", "ppp0", true) > 0);
	assert_string_equal(script, "add element inet sshdial_guard_w links { \"ppp0\" }\n");
	assert_true(guard_link_script(script, sizeof(script), "sshdial_guard_w", "ppp0", false) >
	            0);
	assert_string_equal(script, "delete element inet sshdial_guard_w links { \"ppp0\" }\n");
	/* Too small a buffer: refused, never cut. */
	g = spec("work", 1);
	assert_int_equal(guard_script(&g, script, sizeof(script)), -1);
}

static void roundtrip(const char *line)
{
	struct journal_entry e;
	char again[JOURNAL_LINE_MAX];
	struct err why;
	if (!journal_parse_why(line, &e, &why))
		fail_msg("\"%s\": %s", line, why.what);
	int n = journal_format(&e, again, sizeof(again));
	assert_true(n > 0);
	again[n - 1] = '\0';
	assert_string_equal(again, line);
}

static void test_journal_lines(void **state)
{
	(void)state;
	roundtrip("session guard sshdial_guard_work 1001 10.77.2.2:22,[2001:db8::7]:2222,*:443 "
	          "dns 10.77.1.0/24,fe80::/10");
	roundtrip("session guard sshdial_guard_work 1001 all nodns -");
	roundtrip("session guard sshdial_guard_w 0 - nodns -");
	roundtrip("attempt guardlink sshdial_guard_work ppp0");
	struct journal_entry e;
	assert_false(journal_parse("session guard other 1001 all nodns -", &e));
	assert_false(journal_parse("session guard sshdial_guard_w 1001 10.0.0.1:0 nodns -", &e));
	assert_false(journal_parse("session guard sshdial_guard_w 1001 10.0.0.1 nodns -", &e));
	assert_false(journal_parse("session guard sshdial_guard_w 1001 all maybe -", &e));
	assert_false(journal_parse("session guard sshdial_guard_w 1001 all nodns 10.0.0.1/8", &e));
	assert_false(journal_parse("session guard sshdial_guard_w 1001 all dns -", &e));
	assert_false(journal_parse("attempt guardlink sshdial_guard_w pp\"p0", &e));

	/* The longest guard fits a journal line. */
	struct journal_entry big = {.kind = JOURNAL_GUARD, .scope = JOURNAL_SESSION};
	big.u.guard = spec("a-peer-name-of-thirty-two-chars_", 4294967294u);
	char host[64];
	for (unsigned i = 0; i < GUARD_SERVERS_MAX; i++) {
		snprintf(host, sizeof(host), "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff%02x]", i);
		guard_add_server(&big.u.guard, host, 65535);
	}
	for (unsigned i = 0; i < GUARD_LANS_MAX; i++) {
		char net[64];
		snprintf(net, sizeof(net), "fd00:ffff:ffff:ffff:ffff:ffff:ffff:ff%02x/128", i);
		lan(&big.u.guard, net);
	}
	big.u.guard.dns = true;
	char line[JOURNAL_LINE_MAX], script[GUARD_SCRIPT_MAX];
	assert_int_equal(big.u.guard.nservers, GUARD_SERVERS_MAX);
	assert_true(journal_format(&big, line, sizeof(line)) > 0);
	line[strlen(line) - 1] = '\0';
	roundtrip(line);
	assert_true(guard_script(&big.u.guard, script, sizeof(script)) > 0);
}

/* A new guard of the same table replaces a stale one whatever each lets through (a stale
 * journal's must then not be undone); the link's interface, only the same interface. */
static void test_replaces(void **state)
{
	(void)state;
	struct journal_entry a, b, c, l1, l2, l3;
	assert_true(journal_parse("session guard sshdial_guard_work 1001 10.0.0.1:22 nodns -", &a));
	assert_true(journal_parse("session guard sshdial_guard_work 1001 10.0.0.2:22 nodns -", &b));
	assert_true(
	    journal_parse("session guard sshdial_guard_other 1001 10.0.0.2:22 nodns -", &c));
	assert_true(journal_parse("attempt guardlink sshdial_guard_work ppp0", &l1));
	assert_true(journal_parse("attempt guardlink sshdial_guard_work ppp1", &l2));
	assert_true(journal_parse("attempt guardlink sshdial_guard_work ppp0", &l3));
	const struct change_kind *g = change_kind_of(JOURNAL_GUARD);
	const struct change_kind *l = change_kind_of(JOURNAL_GUARD_LINK);
	assert_non_null(g->replaces);
	assert_true(g->replaces(&b, &a));
	assert_false(g->replaces(&c, &a));
	assert_false(g->replaces(&l1, &a));
	assert_true(l->replaces(&l3, &l1));
	assert_false(l->replaces(&l2, &l1));
	assert_null(change_kind_of(JOURNAL_RULE)->replaces);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_servers_by_address),
	    cmocka_unit_test(test_server_by_name_allows_port_and_dns),
	    cmocka_unit_test(test_allow_lan_networks),
	    cmocka_unit_test(test_pty_lets_local_user_out_whole),
	    cmocka_unit_test(test_too_many_servers_widen),
	    cmocka_unit_test(test_names_refused),
	    cmocka_unit_test(test_journal_lines),
	    cmocka_unit_test(test_replaces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
