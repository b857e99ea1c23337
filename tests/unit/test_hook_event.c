#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/hook_event.h"

static struct hook_event sample(void)
{
	struct hook_event ev = {.kind = HOOK_IP_UP};
	strcpy(ev.peer, "office");
	strcpy(ev.ifname, "ppp0");
	strcpy(ev.local, "192.168.77.2");
	strcpy(ev.remote, "192.168.77.1");
	strcpy(ev.dns1, "10.0.0.53");
	strcpy(ev.tty, "/dev/pts/3");
	strcpy(ev.speed, "38400");
	return ev;
}

static void roundtrip(void **state)
{
	(void)state;
	struct hook_event in = sample(), out;
	char buf[HOOK_MSG_MAX];
	const char *why = NULL;
	size_t n = hook_event_format(&in, buf, sizeof(buf));
	assert_true(n > 0);
	assert_true(hook_event_parse(buf, n, &out, &why));
	assert_int_equal(out.kind, HOOK_IP_UP);
	assert_string_equal(out.peer, "office");
	assert_string_equal(out.ifname, "ppp0");
	assert_string_equal(out.local, "192.168.77.2");
	assert_string_equal(out.remote, "192.168.77.1");
	assert_string_equal(out.dns1, "10.0.0.53");
	assert_string_equal(out.dns2, "");
	assert_string_equal(out.tty, "/dev/pts/3"); /* for /etc/ppp/ip-up.d's arguments */
	assert_string_equal(out.speed, "38400");
}

static void expect_rejected(const char *msg, const char *reason)
{
	struct hook_event ev;
	const char *why = NULL;
	assert_false(hook_event_parse(msg, strlen(msg), &ev, &why));
	assert_string_equal(why, reason);
}

static void rejects_malformed(void **state)
{
	(void)state;
	expect_rejected("", "a missing event, peer or interface name");
	expect_rejected("event=ip-sideways\n", "an unknown event");
	expect_rejected("event=ip-up\npeer=office\nifname=ppp0\nlocal=1.2.3.4\nremote=banana\n",
	                "an invalid address");
	expect_rejected("event=ip-up\npeer=../etc\nifname=ppp0\nlocal=1.2.3.4\nremote=1.2.3.5\n",
	                "a missing event, peer or interface name");
	expect_rejected("event=ip-up\nshell=rm -rf /\n", "an unknown key");
	expect_rejected("event=ip-up\nnoequals\n", "a line without '='");
	expect_rejected("event=ip-up\npeer=o\nifname=ppp0\nlocal=1.2.3.4\nremote=1.2.3.5\n"
	                "tty=/dev/pts/3;reboot\n",
	                "an invalid tty or speed");
	expect_rejected("event=ip-up\npeer=o\nifname=ppp0\nlocal=1.2.3.4\nremote=1.2.3.5\n"
	                "speed=fast\n",
	                "an invalid tty or speed");
	expect_rejected("event=unlock\npeer=o\ntty=/dev/pts/3\n",
	                "an unlock request names only a peer");
	expect_rejected("event=ip-up\nifname=ppp0ppp0ppp0ppp0ppp0\n", "an overlong value");
	char bin[] = "event=ip-up\0peer=x";
	struct hook_event ev;
	const char *why;
	assert_false(hook_event_parse(bin, sizeof(bin) - 1, &ev, &why));
	assert_string_equal(why, "an oversized or binary message");
}

static void accepts_ipv6_and_down(void **state)
{
	(void)state;
	const char *msg = "event=ip-down\npeer=lab-1\nifname=ppp3\nlocal=fe80::1\nremote=fe80::2\n";
	struct hook_event ev;
	const char *why;
	assert_true(hook_event_parse(msg, strlen(msg), &ev, &why));
	assert_int_equal(ev.kind, HOOK_IP_DOWN);
	assert_string_equal(ev.peer, "lab-1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(roundtrip),
	    cmocka_unit_test(rejects_malformed),
	    cmocka_unit_test(accepts_ipv6_and_down),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
