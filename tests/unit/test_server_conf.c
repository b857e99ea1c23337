#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assert_diag.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_conf.h"
#include "tmpdir.h"

/* Feeds text to the three-call reader line by line, as file "server.conf". */
static struct server_conf *parse(const char *text, struct diag *d)
{
	struct server_conf_reader *r = server_conf_read_init("server.conf", d);
	char *copy = strdup(text), *rest = copy, *line;
	unsigned lineno = 0;
	while ((line = strsep(&rest, "\n")) != NULL)
		server_conf_read_line(r, line, ++lineno);
	free(copy);
	return server_conf_read_finish(r);
}

#define POOL "pool 192.168.77.0/24\n"

static void assert_errors(const char *text, const char *const *expected)
{
	struct diag *d = diag_new();
	struct server_conf *c = parse(text, d);
	assert_diag_equal(d, expected);
	assert_null(c);
	diag_free(d);
}

static void assert_error(const char *text, const char *message)
{
	assert_errors(text, (const char *const[]){message, NULL});
}

static struct server_conf *parse_ok(const char *text)
{
	struct diag *d = diag_new();
	struct server_conf *c = parse(text, d);
	if (diag_count(d))
		fail_msg("unexpected: %s", diag_get(d, 0));
	assert_non_null(c);
	diag_free(d);
	return c;
}

static struct in_addr addr(const char *s)
{
	struct in_addr a;
	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void test_full_file(void **state)
{
	(void)state;
	struct server_conf *c =
	    parse_ok("# the office server\n" POOL "local-address 192.168.77.254\n"
	             "lcp-echo-interval 5\n"
	             "lcp-echo-failure 4\n"
	             "lease-dir /var/tmp/leases\n"
	             "log-file /var/log/sshdial-serve.log\n"
	             "mtu 1400\n"
	             "dns 192.168.77.254\n"
	             "dns 9.9.9.9\n"
	             "pap yes\n"
	             "\n"
	             "key alice   # the branch office\n"
	             "\taddress 192.168.77.10\n"
	             "\troute 10.55.0.0/24\n"
	             "\troute 2001:db8::/48\n"
	             "\tforwarding yes\n"
	             "\tpap no\n"
	             "key bob\n"
	             "\tmru 1200\n"
	             "\tdns 1.1.1.1\n");
	assert_int_equal(server_conf_local(c).s_addr, addr("192.168.77.254").s_addr);
	assert_int_equal(server_conf_echo_interval(c), 5);
	assert_int_equal(server_conf_echo_failure(c), 4);
	assert_string_equal(server_conf_lease_dir(c), "/var/tmp/leases");
	assert_string_equal(server_conf_log_file(c), "/var/log/sshdial-serve.log");
	assert_true(server_conf_has_key(c, "alice"));
	assert_false(server_conf_has_key(c, "carol"));
	assert_true(server_conf_address_fixed(c, addr("192.168.77.10")));
	assert_false(server_conf_address_fixed(c, addr("192.168.77.11")));
	assert_true(server_conf_in_pool(c, addr("192.168.77.1")));
	assert_false(server_conf_in_pool(c, addr("192.168.77.254"))); /* the server's own */
	assert_false(server_conf_in_pool(c, addr("192.168.77.255")));
	assert_false(server_conf_in_pool(c, addr("192.168.78.1")));

	struct key_settings k;
	assert_true(server_conf_resolve(c, "alice", NULL, NULL, 0, &k, NULL));
	assert_string_equal(k.name, "alice");
	assert_true(k.has_address);
	assert_int_equal(k.address.s_addr, addr("192.168.77.10").s_addr);
	assert_int_equal(k.mtu, 1400);
	assert_int_equal(k.mru, 0);
	assert_int_equal(k.dns_count, 2);
	assert_false(k.pap);
	assert_true(k.forwarding);
	assert_int_equal(k.route_count, 2);

	assert_true(server_conf_resolve(c, "bob", NULL, NULL, 0, &k, NULL));
	assert_false(k.has_address);
	assert_int_equal(k.mru, 1200);
	assert_int_equal(k.dns_count, 1);
	assert_int_equal(k.dns[0].s_addr, addr("1.1.1.1").s_addr);
	assert_true(k.pap);
	assert_int_equal(k.route_count, 0);

	/* A key with no section gets the server-wide settings. */
	assert_true(server_conf_resolve(c, "carol", NULL, NULL, 0, &k, NULL));
	assert_int_equal(k.mtu, 1400);
	assert_false(k.has_address);
	server_conf_free(c);
}

static void test_defaults(void **state)
{
	(void)state;
	struct server_conf *c = parse_ok(POOL);
	assert_int_equal(server_conf_local(c).s_addr, addr("192.168.77.1").s_addr);
	assert_int_equal(server_conf_echo_interval(c), 10);
	assert_int_equal(server_conf_echo_failure(c), 3);
	assert_string_equal(server_conf_lease_dir(c), SERVER_LEASE_DIR);
	assert_null(server_conf_log_file(c));
	server_conf_free(c);
}

static void test_messages(void **state)
{
	(void)state;
	assert_error("", "server.conf: pool: missing; name the tunnel network the client "
	                 "addresses come from, as in 'pool 192.168.77.0/24'");
	assert_error(POOL "mtu lots",
	             "server.conf:2: mtu: 'lots' is not a number from 128 to 16384");
	assert_error(POOL "mru 64", "server.conf:2: mru: '64' is not a number from 128 to 16384");
	assert_error(POOL "pap maybe", "server.conf:2: pap: 'maybe' is not yes or no");
	assert_error(POOL "mtu", "server.conf:2: mtu: missing value; write 'mtu BYTES'");
	assert_error(POOL "mtu 1400 1500",
	             "server.conf:2: mtu: unexpected '1500' after '1400'; one value per line");
	assert_error(POOL "mtu 1400\nmtu 1500",
	             "server.conf:3: mtu: given twice (first at line 2)");
	assert_error(POOL "ms-dns 1.1.1.1", "server.conf:2: unknown keyword 'ms-dns'; did you mean "
	                                    "'dns'?");
	assert_error(POOL "frobnicate yes",
	             "server.conf:2: unknown keyword 'frobnicate'; see sshdial-server(5)");
	assert_error(POOL "dns 1.1.1.1\ndns 8.8.8.8\ndns 9.9.9.9",
	             "server.conf:4: dns: '9.9.9.9' is a third address; pppd offers at most two");
	assert_error(POOL "dns one.one",
	             "server.conf:2: dns: 'one.one' is not an IPv4 address; write 'dns ADDRESS'");
	assert_error(POOL "route 10.0.0.0/8",
	             "server.conf:2: route: only in a 'key NAME' section, which says whose it is");
	assert_error(POOL "key a\nlcp-echo-interval 3",
	             "server.conf:3: lcp-echo-interval: a server-wide setting; move it above the "
	             "first 'key' line");
	assert_error(POOL "key a b!",
	             "server.conf:2: key: unexpected 'b!' after 'a'; one value per "
	             "line");
	assert_error(POOL "key 'a b'", "server.conf:2: key: 'a b' is not a valid key name; use at "
	                               "most 32 letters, digits, '.', '_' and '-', not starting "
	                               "with '.'");
	assert_error(POOL "key a\nkey a", "server.conf:3: key: 'a' given twice (first at line 2)");
	assert_error(POOL "key a\nroute 10.1.0.1/16",
	             "server.conf:3: route: '10.1.0.1/16' has host bits set; did you mean "
	             "'10.1.0.0/16'?");
	assert_error(POOL "key a\nroute 10.1.0.0/16\nroute 10.1.0.0/16",
	             "server.conf:4: route: '10.1.0.0/16' given twice (first at line 3)");
	assert_error(POOL "key a\nroute 0.0.0.0/0",
	             "server.conf:3: route: '0.0.0.0/0' is the default route, which a key cannot "
	             "take over");
	/* The engine's messages, as the peer file has them. */
	assert_error(
	    POOL "key a\nroute 10.0.0.0/33",
	    "server.conf:3: route: '10.0.0.0/33' has a bad prefix length; IPv4 takes 0-32");
	assert_error(POOL "mtuu 1400",
	             "server.conf:2: unknown keyword 'mtuu'; did you mean 'mtu'?");
	assert_error(POOL "log-file '/var/log/a\x01'",
	             "server.conf:2: log-file: the value contains a control character");
	assert_error("pool 10.0.0.0/8",
	             "server.conf:1: pool: '10.0.0.0/8' is too large; use a prefix length from /16 "
	             "to /30");
	assert_error("pool 192.168.77.1/24",
	             "server.conf:1: pool: '192.168.77.1/24' has host bits set; did you mean "
	             "'192.168.77.0/24'?");
	assert_error("pool 2001:db8::/64", "server.conf:1: pool: '2001:db8::/64' is not an IPv4 "
	                                   "network; write it as in 'pool 192.168.77.0/24'");
	assert_error(POOL "local-address 10.0.0.1",
	             "server.conf:2: local-address: 10.0.0.1 is not a host address of the pool "
	             "192.168.77.0/24");
	assert_error(POOL "lease-dir leases",
	             "server.conf:2: lease-dir: 'leases' is not an absolute path; write it from /");
	assert_error(
	    POOL "key a\naddress 10.0.0.1",
	    "server.conf:3: address: 10.0.0.1 is outside the pool 192.168.77.0/24 (line 1)");
	assert_error(POOL "key a\naddress 192.168.77.1",
	             "server.conf:3: address: 192.168.77.1 is the server's own address");
	assert_error(POOL "key a\naddress 192.168.77.5\nkey b\naddress 192.168.77.5",
	             "server.conf:5: address: 192.168.77.5 is key 'a''s address too (line 3)");
	assert_error(POOL "ipv6-prefix 10.0.0.0/8",
	             "server.conf:2: ipv6-prefix: '10.0.0.0/8' is not an IPv6 prefix of /96 or "
	             "shorter; write it as in 'ipv6-prefix fd83:1::/64' (each end's IPv4 address "
	             "becomes its last 32 bits)");
	assert_error(POOL "ipv6-prefix fd83::/112",
	             "server.conf:2: ipv6-prefix: 'fd83::/112' is not an IPv6 prefix of /96 or "
	             "shorter; write it as in 'ipv6-prefix fd83:1::/64' (each end's IPv4 address "
	             "becomes its last 32 bits)");
	/* Every error of a file, in order. */
	assert_errors(POOL "mtu x\nkey a\naddress 1.2.3.4\nbogus 1",
	              (const char *const[]){
	                  "server.conf:2: mtu: 'x' is not a number from 128 to 16384",
	                  "server.conf:5: unknown keyword 'bogus'; see sshdial-server(5)",
	                  "server.conf:4: address: 1.2.3.4 is outside the pool 192.168.77.0/24 "
	                  "(line 1)",
	                  NULL});
}

/* Options on an authorized_keys line: the same keywords, the same messages. */
static void test_line_options(void **state)
{
	(void)state;
	struct server_conf *c = parse_ok(POOL "mtu 1400\nkey alice\naddress 192.168.77.10\n"
	                                      "mru 1300\nkey bob\n");
	struct diag *d = diag_new();
	struct key_options *o = key_options_new();
	struct key_settings k;

	assert_true(key_options_add(o, "mtu", "1200", "ak", 3, d));
	assert_true(key_options_add(o, "mru", "1000", "ak", 3, d));
	assert_true(key_options_add(o, "address", "192.168.77.20", "ak", 3, d));
	assert_false(key_options_add(o, "route", "10.0.0.0/8", "ak", 3, d));
	assert_false(key_options_add(o, "forwarding", "yes", "ak", 3, d));
	assert_false(key_options_add(o, "mtu", "1300", "ak", 3, d));
	assert_false(key_options_add(o, "tunnel", "yes", "ak", 0, d));
	assert_int_equal(diag_count(d), 4);
	assert_string_equal(diag_get(d, 0), "ak:3: route: not allowed on an authorized_keys line; "
	                                    "set it in the key's section of "
	                                    "/etc/sshdial/server.conf");
	assert_string_equal(diag_get(d, 2), "ak:3: mtu: given twice (first at line 3)");
	assert_string_equal(diag_get(d, 3), "ak: unknown option 'tunnel'; see sshdial-server(5)");

	/* Without a section: the line's settings over the server's. */
	assert_true(server_conf_resolve(c, "carol", o, "ak", 3, &k, d));
	assert_int_equal(k.mtu, 1200);
	assert_int_equal(k.address.s_addr, addr("192.168.77.20").s_addr);
	/* The section, which only root edits, wins over the line. */
	assert_true(server_conf_resolve(c, "alice", o, "ak", 3, &k, d));
	assert_int_equal(k.mtu, 1200);
	assert_int_equal(k.mru, 1300);
	assert_int_equal(k.address.s_addr, addr("192.168.77.10").s_addr);
	key_options_free(o);

	o = key_options_new();
	assert_true(key_options_add(o, "address", "192.168.77.10", "ak", 7, d));
	assert_false(server_conf_resolve(c, "bob", o, "ak", 7, &k, d));
	assert_string_equal(diag_get(d, 4), "ak:7: address: 192.168.77.10 is key 'alice''s address "
	                                    "in server.conf (line 4)");
	assert_true(key_options_check(o, c, "alice", "ak", 7, d));
	key_options_free(o);

	o = key_options_new();
	assert_true(key_options_add(o, "address", "10.1.2.3", NULL, 0, d));
	assert_false(key_options_check(o, c, "carol", NULL, 0, d));
	assert_string_equal(diag_get(d, 5), "address: 10.1.2.3 is outside the pool "
	                                    "192.168.77.0/24 of server.conf");
	key_options_free(o);
	diag_free(d);
	server_conf_free(c);
}

static void test_key_names(void **state)
{
	(void)state;
	assert_true(server_key_name_valid("alice"));
	assert_true(server_key_name_valid("branch-1.office_2"));
	assert_false(server_key_name_valid(""));
	assert_false(server_key_name_valid(".hidden"));
	assert_false(server_key_name_valid("a b"));
	assert_false(server_key_name_valid("a\"b"));
	assert_false(server_key_name_valid("a/b"));
	assert_false(server_key_name_valid("abcdefghijklmnopqrstuvwxyz0123456"));
}

/* Writes len bytes (NULs included) to dir/name, mode 0644; the path. */
static char *write_bytes(const char *dir, const char *name, const char *buf, size_t len)
{
	char *path;
	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	FILE *out = fopen(path, "w");
	assert_non_null(out);
	assert_int_equal(fwrite(buf, 1, len, out), len);
	assert_int_equal(fclose(out), 0);
	return path;
}

/* Loads path, expecting failure with exactly the message "PATH" + suffix. */
static void assert_load_error(const char *path, const char *suffix)
{
	struct diag *d = diag_new();
	alarm(10); /* a FIFO must not hang the test */
	assert_null(server_conf_load(path, d));
	alarm(0);
	char msg[1024];
	snprintf(msg, sizeof(msg), "%s%s", path, suffix);
	assert_diag_equal(d, (const char *const[]){msg, NULL});
	diag_free(d);
}

/* server.conf is read by the same code as peer files, with the same limits. */
static void test_load_limits(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	static const char nul[] = POOL "key office\0evil\n";
	char *path = write_bytes(dir, "nul", nul, sizeof(nul) - 1);
	assert_load_error(path, ":2: contains a NUL byte; a configuration file is text: remove it");
	free(path);

	char *fifo;
	assert_true(asprintf(&fifo, "%s/fifo", dir) > 0);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	assert_load_error(fifo, ": not a regular file; name the file itself");
	free(fifo);
	assert_load_error("/dev/zero", ": not a regular file; name the file itself");

	char text[5000] = POOL "key ";
	size_t at = strlen(text);
	memset(text + at, 'k', 4500);
	strcpy(text + at + 4500, "\n");
	path = write_bytes(dir, "long", text, strlen(text));
	assert_load_error(path, ":2: line longer than 4096 bytes; shorten it");
	free(path);

	path = write_bytes(dir, "good", POOL "key office\n", strlen(POOL "key office\n"));
	struct diag *d = diag_new();
	struct server_conf *c = server_conf_load(path, d);
	assert_int_equal(diag_count(d), 0);
	assert_non_null(c);
	server_conf_free(c);
	diag_free(d);
	free(path);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_file), cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_messages),  cmocka_unit_test(test_line_options),
	    cmocka_unit_test(test_key_names), cmocka_unit_test(test_load_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
