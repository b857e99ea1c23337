/* The journal lines of each kind of change: what format writes, that parse reads exactly that
 * back, and what parse refuses and says about it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "netconf/change.h"
#include "lib/err.h"
#include "netconf/journal.h"
#include "netconf/nft.h"

/* Parses line, formats the entry again and checks it is the same line. */
static struct journal_entry round_trip(const char *line)
{
	struct journal_entry e;
	char again[JOURNAL_LINE_MAX];
	struct err why;

	if (!journal_parse_why(line, &e, &why))
		fail_msg("refused \"%s\": %s", line, why.what);
	int n = journal_format(&e, again, sizeof(again));
	assert_true(n > 0);
	assert_int_equal(again[n - 1], '\n');
	again[n - 1] = '\0';
	assert_string_equal(again, line);
	return e;
}

static void assert_refused(const char *line, const char *why_part)
{
	struct journal_entry out = {.kind = JOURNAL_SYSCTL};
	struct err why;

	if (journal_parse_why(line, &out, &why))
		fail_msg("accepted \"%s\"", line);
	if (!strstr(why.what, why_part))
		fail_msg("\"%s\": said \"%s\", not \"%s\"", line, why.what, why_part);
	assert_int_equal(out.kind, JOURNAL_SYSCTL); /* untouched */
}

static void test_scopes(void **state)
{
	(void)state;
	struct journal_entry a = round_trip("attempt route 4 ppp0 10.1.0.0/16");
	struct journal_entry s = round_trip("session route 4 ppp0 10.1.0.0/16");
	assert_int_equal(a.scope, JOURNAL_ATTEMPT);
	assert_int_equal(s.scope, JOURNAL_SESSION);
	assert_int_equal(a.u.route.protocol, SSHDIAL_RTPROT);
	assert_false(journal_entry_equal(&a, &s));
	assert_refused("forever route 4 ppp0 10.1.0.0/16", "unknown scope \"forever\"");
	assert_refused("attempt", "no kind");
	assert_refused("attempt frob 1", "unknown kind of change \"frob\"");
}

static void test_route_line_before_scopes(void **state)
{
	(void)state;
	/* What sshdial wrote before scopes: an attempt's route, protocol static. */
	struct journal_entry e = round_trip("route 4 ppp0 10.1.0.0/16");
	assert_int_equal(e.scope, JOURNAL_ATTEMPT);
	assert_int_equal(e.u.route.protocol, RTPROT_STATIC);
	e.scope = JOURNAL_SESSION; /* never written: sshdial before scopes had none */
	char line[JOURNAL_LINE_MAX];
	assert_int_equal(journal_format(&e, line, sizeof(line)), -1);
}

static void test_rule_lines(void **state)
{
	(void)state;
	struct journal_entry e = round_trip("session rule 4 1000 unreachable");
	assert_int_equal(e.kind, JOURNAL_RULE);
	assert_int_equal(e.u.rule.family, AF_INET);
	assert_int_equal(e.u.rule.priority, 1000);
	assert_int_equal(e.u.rule.action, FR_ACT_UNREACHABLE);
	assert_int_equal(e.u.rule.table, 0);

	e = round_trip("session rule 6 998 lookup 51820 not fwmark 0xca6c/0xffffffff "
	               "uidrange 1000-1999 suppress 0");
	assert_int_equal(e.u.rule.family, AF_INET6);
	assert_int_equal(e.u.rule.action, FR_ACT_TO_TBL);
	assert_int_equal(e.u.rule.table, 51820);
	assert_true(e.u.rule.invert);
	assert_true(e.u.rule.has_fwmark);
	assert_int_equal(e.u.rule.fwmark, 0xca6c);
	assert_int_equal(e.u.rule.fwmask, 0xffffffff);
	assert_true(e.u.rule.has_uidrange);
	assert_int_equal(e.u.rule.uid_start, 1000);
	assert_int_equal(e.u.rule.uid_end, 1999);
	assert_true(e.u.rule.has_suppress);
	assert_int_equal(e.u.rule.suppress_prefixlen, 0);
	round_trip("attempt rule 4 0 blackhole");
	round_trip("attempt rule 4 4294967295 prohibit uidrange 0-0");

	assert_refused("session rule 5 1000 unreachable", "rule: family is 4 or 6");
	assert_refused("session rule 4 x unreachable", "rule: bad priority");
	assert_refused("session rule 4 1000 frob", "rule: unknown action");
	assert_refused("session rule 4 1000 lookup", "lookup needs a table");
	assert_refused("session rule 4 1000 lookup 0", "lookup needs a table");
	assert_refused("session rule 4 1000 unreachable color red", "rule: unknown option");
	assert_refused("session rule 4 1000 unreachable fwmark", "without its value");
	assert_refused("session rule 4 1000 unreachable fwmark 1/2", "bad option value");
	assert_refused("session rule 4 1000 unreachable uidrange 5", "bad option value");
	assert_refused("session rule 4 1000 unreachable suppress 129", "bad option value");
	/* Read leniently, but not what format writes: order, repeats, leading zeros, case. */
	assert_refused("session rule 4 1000 unreachable suppress 0 not", "not in the form");
	assert_refused("session rule 4 1000 unreachable not not", "not in the form");
	assert_refused("session rule 4 01000 unreachable", "bad priority");
	assert_refused("session rule 4 1000 unreachable fwmark 0xA/0xff", "not in the form");
	assert_refused("session rule 4 1000 unreachable uidrange 9-1", "out of range");
	assert_refused("session rule 4  1000 unreachable", "not in the form");
}

/* route-all's lines: LAN exceptions and DNS rules, its table's routes and unreachables. */
static void test_route_all_lines(void **state)
{
	(void)state;
	struct journal_entry e = round_trip("session rule 4 8320 lookup 83 to 192.168.1.0/24");
	assert_true(e.u.rule.has_dst);
	assert_int_equal(e.u.rule.dst.prefixlen, 24);
	e = round_trip("session rule 6 8310 lookup 83 ipproto 17 dport 53");
	assert_int_equal(e.u.rule.ipproto, 17);
	assert_int_equal(e.u.rule.dport, 53);
	round_trip("session rule 4 8300 lookup 254 uidrange 1000-1000");
	assert_refused("session rule 4 8320 lookup 83 to 10.0.0.1/8", "bad option value");
	assert_refused("session rule 4 8320 lookup 83 to fe80::/10", "out of range");
	assert_refused("session rule 4 8310 lookup 83 dport 53", "out of range");
	assert_refused("session rule 4 8310 lookup 83 ipproto 0", "bad option value");
	assert_refused("session rule 4 8310 lookup 83 ipproto 6 dport 65536", "bad option value");

	e = round_trip("attempt route 4 ppp0 0.0.0.0/0 table 83 metric 0");
	assert_int_equal(e.u.route.table, 83);
	round_trip("attempt route 4 ppp0 ::/0 table 83 metric 10");
	assert_refused("attempt route 4 ppp0 0.0.0.0/0 table 254 metric 0", "bad table");
	assert_refused("attempt route 4 ppp0 0.0.0.0/0 table 83", "want IFINDEX");

	e = round_trip("session unreachable 0.0.0.0/0 83 4278190080");
	assert_int_equal(e.kind, JOURNAL_UNREACH);
	assert_int_equal(e.u.route.metric, 4278190080u);
	round_trip("session unreachable ::/0 83 1000");
	assert_refused("session unreachable ::/0 254 1000", "bad table");
	assert_refused("session unreachable ::/0 83", "want CIDR TABLE METRIC");
	assert_refused("session unreachable 10.0.0.1/8 83 1", "bad CIDR");
}

static void test_addr_lines(void **state)
{
	(void)state;
	/* Host bits are what an address has. */
	struct journal_entry e = round_trip("attempt addr 7 ppp0 10.77.0.2/24");
	assert_int_equal(e.kind, JOURNAL_ADDR);
	assert_int_equal(e.ifindex, 7);
	assert_int_equal(e.dst.prefixlen, 24);
	round_trip("session addr 7 ppp0 fd00::2/64");
	round_trip("session addr 7 ppp0 fd00::2/128");
	assert_refused("attempt addr 7 ppp0 10.77.0.2", "want ADDRESS/PREFIX");
	assert_refused("attempt addr 7 ppp0 10.77.0.2/33", "bad prefix length");
	assert_refused("attempt addr 7 ppp0 10.77.0.2/024", "bad prefix length");
	assert_refused("attempt addr 7 ppp0 10.77.0.2/24/1", "bad prefix length");
	assert_refused("attempt addr 7 ppp0 10.77.0.x/24", "bad address");
	assert_refused("attempt addr 0 ppp0 10.77.0.2/24", "bad interface index");
	assert_refused("attempt addr 7 pp:0 10.77.0.2/24", "bad interface name");
	assert_refused("attempt addr 7 ppp0", "want IFINDEX");
}

static void test_sysctl_lines(void **state)
{
	(void)state;
	struct journal_entry e =
	    round_trip("session sysctl net/ipv4/ip_local_port_range 32768%0960999 10000%2020000");
	assert_int_equal(e.kind, JOURNAL_SYSCTL);
	assert_string_equal(e.u.sysctl.key, "net/ipv4/ip_local_port_range");
	assert_string_equal(e.u.sysctl.old, "32768\t60999");
	assert_string_equal(e.u.sysctl.set, "10000 20000");
	e = round_trip("attempt sysctl net/ipv4/conf/eth0.100/rp_filter 2 0");
	assert_string_equal(e.u.sysctl.key, "net/ipv4/conf/eth0.100/rp_filter");
	round_trip("attempt sysctl kernel/x 100%25 %25");

	assert_refused("attempt sysctl ../etc/shadow 1 0", "sysctl: bad key");
	assert_refused("attempt sysctl net/../../etc 1 0", "sysctl: bad key");
	assert_refused("attempt sysctl /net/ipv4/ip_forward 1 0", "sysctl: bad key");
	assert_refused("attempt sysctl net//ipv4 1 0", "sysctl: bad key");
	assert_refused("attempt sysctl net/ipv4%2Fx 1 0", "not in the form");
	assert_refused("attempt sysctl net/ipv4/ip_forward 1%0 0", "sysctl: bad old value");
	assert_refused("attempt sysctl net/ipv4/ip_forward 1%00 0", "sysctl: bad old value");
	assert_refused("attempt sysctl net/ipv4/ip_forward 1%zz 0", "sysctl: bad old value");
	assert_refused("attempt sysctl net/ipv4/ip_forward 1 0%0a", "sysctl: bad new value");
	assert_refused("attempt sysctl net/ipv4/ip_forward 1", "want KEY OLD NEW");
	/* An escape that need not be one is not what format writes. */
	assert_refused("attempt sysctl net/ipv4/ip_forward %31 0", "not in the form");
}

static void test_dns_backend_lines(void **state)
{
	(void)state;
	struct journal_entry e = round_trip("attempt resolvconf ppp0");
	assert_int_equal(e.kind, JOURNAL_RESOLVCONF);
	assert_string_equal(e.ifname, "ppp0");
	e = round_trip("attempt resolved 7 ppp1");
	assert_int_equal(e.kind, JOURNAL_RESOLVED);
	assert_int_equal(e.ifindex, 7);
	assert_string_equal(e.ifname, "ppp1");
	assert_refused("attempt resolvconf", "want IFNAME");
	assert_refused("attempt resolvconf ppp/0", "bad interface name");
	assert_refused("attempt resolved ppp0", "want IFINDEX IFNAME");
	assert_refused("attempt resolved x ppp0", "resolved:");
}

static void test_resolv_lines(void **state)
{
	(void)state;
	struct journal_entry e =
	    round_trip("session resolv file /etc/resolv.conf /run/sshdial/office.journal.Ab12Cd");
	assert_int_equal(e.kind, JOURNAL_RESOLV);
	assert_int_equal(e.u.resolv.was, RESOLV_WAS_FILE);
	assert_string_equal(e.u.resolv.path, "/etc/resolv.conf");
	assert_string_equal(e.u.resolv.backup, "/run/sshdial/office.journal.Ab12Cd");
	e = round_trip("session resolv link /etc/resolv.conf /run/x%20y/j.1");
	assert_int_equal(e.u.resolv.was, RESOLV_WAS_LINK);
	assert_string_equal(e.u.resolv.backup, "/run/x y/j.1");
	e = round_trip("attempt resolv absent /etc/resolv.conf");
	assert_int_equal(e.u.resolv.was, RESOLV_WAS_ABSENT);
	assert_string_equal(e.u.resolv.backup, "");
	assert_false(e.u.resolv.has_mark);
	/* What sshdial wrote, after the paths: what undo compares the file with. */
	e = round_trip("attempt resolv file /etc/resolv.conf /var/lib/sshdial/o.journal.Ab12Cd "
	               "wrote=45,00ff00ff00ff00ff");
	assert_true(e.u.resolv.has_mark);
	assert_int_equal(e.u.resolv.mark.len, 45);
	assert_true(e.u.resolv.mark.sum == 0x00ff00ff00ff00ffull);
	assert_string_equal(e.u.resolv.backup, "/var/lib/sshdial/o.journal.Ab12Cd");
	e = round_trip("attempt resolv absent /etc/resolv.conf wrote=1,0000000000000000");
	assert_int_equal(e.u.resolv.was, RESOLV_WAS_ABSENT);
	assert_true(e.u.resolv.has_mark);
	assert_refused("attempt resolv file /etc/resolv.conf /run/b wrote=45,00ff",
	               "bad mark of what was written");
	assert_refused("attempt resolv file /etc/resolv.conf wrote=45,00ff00ff00ff00ff",
	               "no backup named");

	assert_refused("session resolv gone /etc/resolv.conf /run/b",
	               "WAS is file, link or absent");
	assert_refused("session resolv file /etc/resolv.conf", "no backup named");
	assert_refused("session resolv absent /etc/resolv.conf /run/b", "absent takes no backup");
	assert_refused("session resolv file etc/resolv.conf /run/b", "resolv: bad path");
	assert_refused("session resolv file /etc/../shadow /run/b", "resolv: bad path");
	assert_refused("session resolv file /etc/resolv.conf /run/./b", "bad backup path");
	assert_refused("session resolv file /etc/resolv.conf /", "bad backup path");
}

static void test_masq_lines(void **state)
{
	(void)state;
	struct journal_entry e = round_trip("attempt masq 192.168.77.10 eth0");
	assert_int_equal(e.kind, JOURNAL_MASQ);
	assert_int_equal(e.dst.family, AF_INET);
	assert_int_equal(e.dst.prefixlen, 32);
	assert_string_equal(e.ifname, "eth0");

	assert_refused("attempt masq 192.168.77.10", "want ADDRESS OIFNAME");
	assert_refused("attempt masq fd00::2 eth0", "masq: bad address");
	assert_refused("attempt masq 192.168.77.10/24 eth0", "masq: bad address");
	assert_refused("attempt masq 192.168.77.10 eth/0", "masq: bad interface name");
	assert_refused("attempt masq 192.168.77.10 averyveryverylongname", "bad interface name");
}

static void test_masq_element(void **state)
{
	(void)state;
	char buf[64];
	struct in_addr a = {htonl(0xc0a84d0a)};
	assert_int_equal(nft_masq_element(buf, sizeof(buf), a, "eth0"), 22);
	assert_string_equal(buf, "192.168.77.10 . \"eth0\"");
	/* Nothing that could end the quoted name or the script's line. */
	assert_int_equal(nft_masq_element(buf, sizeof(buf), a, "e\"th0"), -1);
	assert_int_equal(nft_masq_element(buf, sizeof(buf), a, "eth0\n"), -1);
	assert_int_equal(nft_masq_element(buf, sizeof(buf), a, ""), -1);
	assert_int_equal(nft_masq_element(buf, sizeof(buf), a, "0123456789abcdef"), -1);
	assert_int_equal(nft_masq_element(buf, 10, a, "eth0"), -1);
}

static void test_escape(void **state)
{
	char buf[64], back[64];

	(void)state;
	assert_int_equal(change_escape("a b\t%\x7f\xc3\xa9", buf, sizeof(buf)), 20);
	assert_string_equal(buf, "a%20b%09%25%7F%C3%A9");
	assert_true(change_unescape(buf, back, sizeof(back)));
	assert_string_equal(back, "a b\t%\x7f\xc3\xa9");
	assert_int_equal(change_escape("", buf, sizeof(buf)), -1);
	assert_int_equal(change_escape("abc", buf, 4), -1); /* room kept for one escape */
	assert_false(change_unescape("", back, sizeof(back)));
	assert_false(change_unescape("%2", back, sizeof(back)));
	assert_false(change_unescape("%2f", back, sizeof(back))); /* upper-case only */
	assert_false(change_unescape("a b", back, sizeof(back)));
	assert_false(change_unescape("abcd", back, 4));
}

static void test_longest_lines_fit(void **state)
{
	struct journal_entry e = {.kind = JOURNAL_SYSCTL, .scope = JOURNAL_SESSION};
	char line[JOURNAL_LINE_MAX];

	(void)state;
	memset(e.u.sysctl.key, 'k', sizeof(e.u.sysctl.key) - 1);
	memset(e.u.sysctl.old, ' ', sizeof(e.u.sysctl.old) - 1);
	memset(e.u.sysctl.set, '\t', sizeof(e.u.sysctl.set) - 1);
	int n = journal_format(&e, line, sizeof(line));
	assert_true(n > 0);
	line[n - 1] = '\0';
	struct journal_entry back;
	struct err why;
	assert_true(journal_parse_why(line, &back, &why));
	assert_true(journal_entry_equal(&e, &back));

	struct journal_entry r = {.kind = JOURNAL_RESOLV, .u.resolv.was = RESOLV_WAS_FILE};
	memset(r.u.resolv.path, ' ', sizeof(r.u.resolv.path) - 1);
	r.u.resolv.path[0] = '/';
	memset(r.u.resolv.backup, '%', sizeof(r.u.resolv.backup) - 1);
	r.u.resolv.backup[0] = '/';
	assert_true(journal_format(&r, line, sizeof(line)) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scopes),          cmocka_unit_test(test_route_line_before_scopes),
	    cmocka_unit_test(test_rule_lines),      cmocka_unit_test(test_addr_lines),
	    cmocka_unit_test(test_route_all_lines), cmocka_unit_test(test_sysctl_lines),
	    cmocka_unit_test(test_resolv_lines),    cmocka_unit_test(test_dns_backend_lines),
	    cmocka_unit_test(test_escape),          cmocka_unit_test(test_longest_lines_fit),
	    cmocka_unit_test(test_masq_lines),      cmocka_unit_test(test_masq_element),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
