#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "conf/keyword.h"

enum { T_NAME, T_PATH, T_HOME, T_FLAG, T_PORT, T_COUNT, T_TIME, T_NET, T_ADDR, T_CMD, T_N };

static const struct keyword keywords[T_N] = {
    [T_NAME] = {.name = "name", .kind = KW_NAME, .usage = "name NAME"},
    [T_PATH] = {.name = "path", .kind = KW_PATH, .usage = "path PATH"},
    [T_HOME] = {.name = "home", .kind = KW_PATH, .usage = "home PATH", .flags = KW_TILDE},
    [T_FLAG] = {.name = "flag", .kind = KW_BOOL, .usage = "flag yes|no"},
    [T_PORT] = {.name = "port", .kind = KW_PORT, .usage = "port N"},
    [T_COUNT] = {.name = "count", .kind = KW_NUMBER, .usage = "count N", .min = 2, .max = 9},
    [T_TIME] = {.name = "time", .kind = KW_SECONDS, .usage = "time SECONDS"},
    [T_NET] = {.name = "net",
               .kind = KW_NETWORK,
               .usage = "net ADDRESS/PREFIX",
               .flags = KW_REPEATS},
    [T_ADDR] = {.name = "addr", .kind = KW_IPV4, .usage = "addr ADDRESS"},
    [T_CMD] = {.name = "cmd", .kind = KW_TEXT, .usage = "cmd COMMAND", .flags = KW_REST_OF_LINE},
};

static const struct kw_table table = {keywords, T_N, "quote it"};

/* Reads one line at line 7 and takes its value; the messages are in d. */
static bool take_line(struct diag *d, const char *line, struct kw_value *v, unsigned *first)
{
	const struct kw_place at = {d, "f", 7};
	struct kw_line l;
	bool ok = kw_read_line(&table, &at, line, &l) == 1 &&
	          kw_take(&table, l.k, &at, &first[l.k], l.value, v);
	/* The value's text lives in the line read: keep a copy for the caller. */
	static char text[256];
	if (ok) {
		snprintf(text, sizeof(text), "%s", v->text);
		v->text = text;
	}
	kw_line_free(&l);
	return ok;
}

/* line fails with exactly message. */
static void assert_refused(const char *line, const char *message)
{
	struct diag *d = diag_new();
	unsigned first[T_N] = {0};
	struct kw_value v;
	assert_false(take_line(d, line, &v, first));
	assert_int_equal(diag_count(d), 1);
	assert_string_equal(diag_get(d, 0), message);
	diag_free(d);
}

static struct kw_value taken(const char *line)
{
	struct diag *d = diag_new();
	unsigned first[T_N] = {0};
	struct kw_value v;
	if (!take_line(d, line, &v, first))
		fail_msg("refused: %s", diag_count(d) ? diag_get(d, 0) : "(no message)");
	diag_free(d);
	return v;
}

static void test_kinds(void **state)
{
	(void)state;
	assert_string_equal(taken("NAME alice").text, "alice");
	assert_string_equal(taken("home ~/.ssh/id").text, "~/.ssh/id");
	assert_true(taken("flag On").yes);
	assert_false(taken("flag false").yes);
	assert_int_equal(taken("port 65535").number, 65535);
	assert_int_equal(taken("count 9").number, 9);
	assert_int_equal(taken("time 0.25").number, 250);
	assert_int_equal(taken("net 10.1.0.0/16").network.prefixlen, 16);
	assert_int_equal(taken("addr 10.0.0.1").address.s_addr, inet_addr("10.0.0.1"));
	assert_string_equal(taken("cmd ssh -e none 'a b'").text, "ssh -e none 'a b'");
	assert_string_equal(taken("cmd 'a b'").text, "a b");
	assert_string_equal(taken("path '/a\tb'").text, "/a\tb"); /* tab: not a control */
}

static void test_kind_messages(void **state)
{
	(void)state;
	assert_refused("name -x", "f:7: name: '-x' starts with '-', which ssh would take for an "
	                          "option");
	assert_refused("name 'a b'", "f:7: name: 'a b' contains a space; a name has none");
	assert_refused("path rel", "f:7: path: 'rel' is not an absolute path; write it from /");
	assert_refused("home rel", "f:7: home: 'rel' is not an absolute path; write it from / (or "
	                           "~/ for local-user's home)");
	assert_refused("flag maybe", "f:7: flag: 'maybe' is not yes or no");
	assert_refused("port 0", "f:7: port: '0' is not a port number (1-65535)");
	assert_refused("count 10", "f:7: count: '10' is not a number from 2 to 9");
	assert_refused("time 0.01", "f:7: time: '0.01' is not a number of seconds (0.1-3600)");
	assert_refused("net 10.1.0.1/16",
	               "f:7: net: '10.1.0.1/16' has host bits set; did you mean '10.1.0.0/16'?");
	assert_refused("net 10.0.0.0/33",
	               "f:7: net: '10.0.0.0/33' has a bad prefix length; IPv4 takes 0-32");
	assert_refused("net x", "f:7: net: 'x' is not a network; write ADDRESS/PREFIX, as in "
	                        "'10.1.0.0/16' or '2001:db8::/32'");
	assert_refused("addr 1.2.3", "f:7: addr: '1.2.3' is not an IPv4 address; write 'addr "
	                             "ADDRESS'");
	assert_refused("name ''", "f:7: name: empty value; write 'name NAME'");
	assert_refused("name 'a\x1b'", "f:7: name: the value contains a control character");
}

static void test_line_messages(void **state)
{
	(void)state;
	assert_refused("name", "f:7: name: missing value; write 'name NAME'");
	assert_refused("name a b", "f:7: name: unexpected 'b' after 'a'; quote it");
	assert_refused("name 'a", "f:7: unterminated single quote; add the closing '");

	struct diag *d = diag_new();
	const struct kw_place at = {d, "f", 7};
	struct kw_line l;
	assert_int_equal(kw_read_line(&table, &at, "  # a comment", &l), 0);
	kw_line_free(&l);
	assert_int_equal(kw_read_line(&table, &at, "nmae x", &l), -1);
	assert_int_equal(l.k, -1);
	assert_string_equal(l.key, "nmae");
	kw_line_free(&l);
	assert_int_equal(diag_count(d), 0);
	diag_free(d);
}

static void test_closest(void **state)
{
	(void)state;
	assert_string_equal(kw_closest(&table, "nmae"), "name");
	assert_string_equal(kw_closest(&table, "FLAGG"), "flag");
	assert_null(kw_closest(&table, "frobnicate"));
	assert_int_equal(kw_find(&table, "PoRt"), T_PORT);
	assert_int_equal(kw_find(&table, "ports"), -1);
}

static void test_given_twice(void **state)
{
	(void)state;
	struct diag *d = diag_new();
	unsigned first[T_N] = {0};
	struct kw_value v;
	struct kw_networks nets = {0};
	const struct kw_place at3 = {d, "f", 3}, whole = {d, "f", 0};
	assert_true(kw_take(&table, T_FLAG, &at3, &first[T_FLAG], "yes", &v));
	assert_false(take_line(d, "flag no", &v, first));
	assert_true(take_line(d, "net 10.0.0.0/8", &v, first));
	assert_true(kw_networks_add(&nets, "net", &at3, &v));
	assert_true(take_line(d, "net 10.0.0.0/8", &v, first)); /* repeats: each value once */
	const struct kw_place at7 = {d, "f", 7};
	assert_false(kw_networks_add(&nets, "net", &at7, &v));
	/* Options on a command line have no line numbers. */
	assert_true(kw_take(&table, T_PORT, &whole, &first[T_PORT], "22", &v));
	assert_false(kw_take(&table, T_PORT, &whole, &first[T_PORT], "23", &v));
	assert_int_equal(diag_count(d), 3);
	assert_string_equal(diag_get(d, 0), "f:7: flag: given twice (first at line 3)");
	assert_string_equal(diag_get(d, 1), "f:7: net: '10.0.0.0/8' given twice (first at line 3)");
	assert_string_equal(diag_get(d, 2), "f: port: given twice");
	kw_networks_free(&nets);
	diag_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kinds),         cmocka_unit_test(test_kind_messages),
	    cmocka_unit_test(test_line_messages), cmocka_unit_test(test_closest),
	    cmocka_unit_test(test_given_twice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
