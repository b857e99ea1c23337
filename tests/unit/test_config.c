#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assert_diag.h"

#include <string.h>

#include "cmd/commands.h"
#include "conf/config.h"
#include "tmpdir.h"

/* Feeds text to the three-call reader line by line, as file "office". */
static struct peer *parse(const char *text, struct diag *d)
{
	struct config_reader *r = config_read_init("office", "office", d);
	char *copy = strdup(text);
	unsigned lineno = 0;
	/* strsep keeps empty lines, so line numbers stay right. */
	char *rest = copy;
	char *line;
	while ((line = strsep(&rest, "\n")) != NULL)
		config_read_line(r, line, ++lineno);
	free(copy);
	return config_read_finish(r);
}

/* The minimum a valid ssh peer needs, prepended to fragments under test. */
#define BASE "host server\nlocal-user alice\n"

/* Parses text and checks that it fails with exactly the messages given (NULL-ended). */
static void assert_errors(const char *text, const char *const *expected)
{
	struct diag *d = diag_new();
	struct peer *p = parse(text, d);
	assert_diag_equal(d, expected);
	assert_null(p);
	diag_free(d);
}

static void assert_error(const char *text, const char *message)
{
	assert_errors(text, (const char *const[]){message, NULL});
}

static struct peer *parse_ok(const char *text)
{
	struct diag *d = diag_new();
	struct peer *p = parse(text, d);
	if (diag_count(d))
		fail_msg("unexpected: %s", diag_get(d, 0));
	assert_non_null(p);
	diag_free(d);
	return p;
}

static void test_full_peer(void **state)
{
	(void)state;
	struct peer *p = parse_ok("# the office link\n"
	                          "host vpn.example.org\n"
	                          "port 2222\n"
	                          "\n"
	                          "ssh-user pppuser\n"
	                          "identity /etc/sshdial/office.key\n"
	                          "known-hosts ~/.ssh/known_hosts_office\n"
	                          "ssh-option ServerAliveInterval 15\n"
	                          "ssh-option \"ProxyJump=jump.example.org\"\n"
	                          "ssh-option ProxyCommand ssh -W %h:%p 'jump host'\n"
	                          "remote-command sudo pppd 'name x'   # raw\n"
	                          "local-user alice\n"
	                          "route 10.1.0.0/16\n"
	                          "route 2001:db8::/32\n"
	                          "route 192.168.5.5\n"
	                          "route-all no\n"
	                          "dns yes\n"
	                          "compression on\n"
	                          "pppd-option \"mtu 1400\"\n"
	                          "pppd-option name user\n"
	                          "pppd-option connect 'chat -v'\n"
	                          "remotename office-gw\n");
	assert_string_equal(peer_name(p), "office");
	assert_string_equal(peer_file(p), "office");
	assert_string_equal(peer_host(p), "vpn.example.org");
	assert_int_equal(peer_port(p), 2222);
	assert_string_equal(peer_ssh_user(p), "pppuser");
	assert_string_equal(peer_identity(p), "/etc/sshdial/office.key");
	assert_string_equal(peer_known_hosts(p), "~/.ssh/known_hosts_office");
	const struct strv *o = peer_ssh_options(p);
	assert_int_equal(strv_len(o), 3);
	assert_string_equal(strv_get(o, 0), "ServerAliveInterval=15");
	assert_string_equal(strv_get(o, 1), "ProxyJump=jump.example.org");
	assert_string_equal(strv_get(o, 2), "ProxyCommand=ssh -W %h:%p 'jump host'");
	assert_string_equal(peer_remote_command(p), "sudo pppd 'name x'");
	assert_string_equal(peer_local_user(p), "alice");
	assert_null(peer_pty_command(p));
	assert_null(peer_pap_user(p));
	assert_int_equal(peer_secret_source(p), SECRET_NONE);
	assert_string_equal(peer_linkname(p), "office");
	assert_string_equal(peer_remotename(p), "office-gw");
	assert_int_equal(peer_route_count(p), 3);
	char buf[CIDR_STRLEN];
	cidr_format(peer_route(p, 0), buf, sizeof(buf));
	assert_string_equal(buf, "10.1.0.0/16");
	cidr_format(peer_route(p, 1), buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::/32");
	cidr_format(peer_route(p, 2), buf, sizeof(buf));
	assert_string_equal(buf, "192.168.5.5/32");
	assert_null(peer_route(p, 3));
	assert_false(peer_route_all(p));
	assert_true(peer_dns(p));
	assert_true(peer_compression(p));
	const struct strv *w = peer_pppd_options(p);
	const char *want[] = {"mtu", "1400", "name", "user", "connect", "chat -v"};
	assert_int_equal(strv_len(w), 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(strv_get(w, i), want[i]);
	peer_free(p);
}

static void test_defaults(void **state)
{
	(void)state;
	struct peer *p = parse_ok(BASE);
	assert_int_equal(peer_port(p), 0);
	assert_null(peer_ssh_user(p));
	assert_null(peer_identity(p));
	assert_null(peer_known_hosts(p));
	assert_null(peer_remote_command(p));
	assert_int_equal(strv_len(peer_ssh_options(p)), 0);
	assert_int_equal(strv_len(peer_pppd_options(p)), 0);
	assert_false(peer_compression(p));
	assert_false(peer_dns(p));
	assert_false(peer_route_all(p));
	assert_int_equal(peer_route_count(p), 0);
	assert_null(peer_remotename(p));
	assert_string_equal(peer_linkname(p), "office");
	peer_free(p);
}

static void test_quoting_values(void **state)
{
	(void)state;
	struct peer *p = parse_ok("host \"server\"\n"
	                          "local-user 'alice'   # a comment\n"
	                          "identity /keys/my\\ key\n"
	                          "known-hosts \"/etc/ssh dial/known # hosts\"\n"
	                          "Compression Yes\n");
	assert_string_equal(peer_host(p), "server");
	assert_string_equal(peer_local_user(p), "alice");
	assert_string_equal(peer_identity(p), "/keys/my key");
	assert_string_equal(peer_known_hosts(p), "/etc/ssh dial/known # hosts");
	assert_true(peer_compression(p));
	peer_free(p);
}

static void test_pty_peer(void **state)
{
	(void)state;
	struct peer *p = parse_ok("pty 'ssh -e none pppuser@server false'\nlinkname pppoverssh\n");
	assert_string_equal(peer_pty_command(p), "ssh -e none pppuser@server false");
	assert_null(peer_host(p));
	assert_null(peer_local_user(p));
	assert_string_equal(peer_linkname(p), "pppoverssh");
	peer_free(p);
	p = parse_ok("pty ssh -e none 'pppuser@server' false\n");
	assert_string_equal(peer_pty_command(p), "ssh -e none 'pppuser@server' false");
	peer_free(p);
}

static void test_unknown_keywords(void **state)
{
	(void)state;
	assert_error(BASE "hots server", "office:3: unknown keyword 'hots'; did you mean 'host'?");
	assert_error(BASE "locl-user bob",
	             "office:3: unknown keyword 'locl-user'; did you mean 'local-user'?");
	assert_error(BASE "frobnicate yes",
	             "office:3: unknown keyword 'frobnicate'; see sshdial-peer(5)");
	assert_error(BASE "noauth", "office:3: unknown keyword 'noauth'; to pass it to pppd, "
	                            "write 'pppd-option noauth'");
	assert_error(BASE "mtu 1400", "office:3: unknown keyword 'mtu'; to pass it to pppd, "
	                              "write 'pppd-option mtu VALUE'");
	assert_error(BASE "user bob", "office:3: unknown keyword 'user'; did you mean 'pap-user'?");
	assert_error(BASE "persist", "office:3: unknown keyword 'persist'; as a pppd option it is "
	                             "not allowed: sshdial redials the link itself");
}

static void test_port(void **state)
{
	(void)state;
	assert_error(BASE "port 70000", "office:3: port: '70000' is not a port number (1-65535)");
	assert_error(BASE "port 0", "office:3: port: '0' is not a port number (1-65535)");
	assert_error(BASE "port 22x", "office:3: port: '22x' is not a port number (1-65535)");
	assert_error(BASE "port -1", "office:3: port: '-1' is not a port number (1-65535)");
	struct peer *p = parse_ok(BASE "port 65535");
	assert_int_equal(peer_port(p), 65535);
	peer_free(p);
}

static void test_given_twice(void **state)
{
	(void)state;
	assert_error(BASE "\nport 1\nport 2", "office:5: port: given twice (first at line 4)");
	assert_error(BASE "dns yes\ndns no", "office:4: dns: given twice (first at line 3)");
}

/* Several servers: 'host' repeats, each with its own port or the peer's. */
static void test_servers(void **state)
{
	(void)state;
	struct peer *p = parse_ok("host gw1.example.org\n"
	                          "host 2001:db8::1 2222\n"
	                          "host \"gw3\"   443  # comment\n"
	                          "port 8022\n"
	                          "host-order random\n"
	                          "local-user alice\n");
	assert_int_equal(peer_server_count(p), 3);
	assert_string_equal(peer_host(p), "gw1.example.org");
	assert_string_equal(peer_server_host(p, 0), "gw1.example.org");
	assert_int_equal(peer_server_port(p, 0), 8022);
	assert_string_equal(peer_server_host(p, 1), "2001:db8::1");
	assert_int_equal(peer_server_port(p, 1), 2222);
	assert_string_equal(peer_server_host(p, 2), "gw3");
	assert_int_equal(peer_server_port(p, 2), 443);
	assert_null(peer_server_host(p, 3));
	assert_true(peer_host_random(p));
	peer_free(p);

	p = parse_ok(BASE "host-order in-order");
	assert_int_equal(peer_server_count(p), 1);
	assert_int_equal(peer_server_port(p, 0), 0);
	assert_false(peer_host_random(p));
	peer_free(p);

	assert_error(BASE "host server",
	             "office:3: host: 'server' is already given at line 1; remove one");
	assert_error(BASE "host a 0",
	             "office:3: host: '0' after 'a' is not a port number (1-65535); write 'host a' "
	             "or 'host a PORT'");
	assert_error(BASE "host a b",
	             "office:3: host: 'b' after 'a' is not a port number (1-65535); write 'host a' "
	             "or 'host a PORT'");
	assert_error(BASE "host a 22 x",
	             "office:3: host: unexpected 'x' after 'a 22'; write 'host NAME [PORT]'");
	assert_error(BASE "host -oProxyCommand=x",
	             "office:3: host: '-oProxyCommand=x' starts with '-', which ssh would take for "
	             "an option");
	assert_error(BASE "host-order first",
	             "office:3: host-order: 'first' is neither in-order nor random; write "
	             "'host-order in-order|random'");
	assert_error("pty true\nhost-order random",
	             "office:2: host-order: not used with 'pty' (line 1), which runs instead of "
	             "ssh; remove one of them");
	/* The same name on another port is another server. */
	p = parse_ok(BASE "host server 2222");
	assert_int_equal(peer_server_count(p), 2);
	peer_free(p);
	char many[600] = "local-user alice\n";
	for (int i = 0; i <= PEER_SERVERS_MAX; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "host h%d\n", i);
	assert_error(many, "office:18: host: more than 16 servers; remove some 'host' lines");
}

/* transport: auto by default, pty or frames on request; auto is the pty wherever the file
 * alone decides it (a pty command, a remote-command, 'link no'); frames needs ssh and pppd. */
static void test_transport(void **state)
{
	(void)state;
	struct peer *p = parse_ok(BASE);
	assert_int_equal(peer_transport(p), TRANSPORT_AUTO);
	assert_false(peer_frames(p));
	peer_free(p);
	p = parse_ok(BASE "transport auto");
	assert_int_equal(peer_transport(p), TRANSPORT_AUTO);
	peer_free(p);
	p = parse_ok(BASE "transport frames");
	assert_int_equal(peer_transport(p), TRANSPORT_FRAMES);
	assert_true(peer_frames(p));
	peer_free(p);
	p = parse_ok(BASE "transport pty");
	assert_int_equal(peer_transport(p), TRANSPORT_PTY);
	assert_false(peer_frames(p));
	peer_free(p);
	p = parse_ok(BASE "remote-command /usr/sbin/pppd notty");
	assert_int_equal(peer_transport(p), TRANSPORT_PTY);
	peer_free(p);
	p = parse_ok(BASE "remote-command sshdial serve --transport frames\ntransport frames");
	assert_int_equal(peer_transport(p), TRANSPORT_FRAMES);
	peer_free(p);
	p = parse_ok("pty 'ssh -e none gw false'");
	assert_int_equal(peer_transport(p), TRANSPORT_PTY);
	peer_free(p);
	p = parse_ok(BASE "link no\nforward local 8080 web:80");
	assert_int_equal(peer_transport(p), TRANSPORT_PTY);
	peer_free(p);
	assert_error(BASE "transport l2tp",
	             "office:3: transport: 'l2tp' is not auto, pty or frames; write "
	             "'transport auto|pty|frames'");
	assert_error("pty true\ntransport frames",
	             "office:2: transport: not used with 'pty' (line 1), which runs instead of "
	             "ssh; remove one of them");
	assert_error(BASE "transport frames\nlink no\nforward local 8080 web:80",
	             "office:3: transport: not used with 'link no' (line 4), which runs no pppd "
	             "and no remote command; remove one of them");
}

static void test_required(void **state)
{
	(void)state;
	assert_error("local-user alice",
	             "office: host: missing; name the ssh server with 'host NAME'");
	assert_error("host server",
	             "office: local-user: missing; name the local account whose ssh keys and "
	             "known_hosts ssh uses with 'local-user NAME' (root only if you name it)");
	struct peer *p = parse_ok("host server\nlocal-user root");
	assert_string_equal(peer_local_user(p), "root");
	peer_free(p);
}

static void test_routes(void **state)
{
	(void)state;
	assert_error(BASE "route 10.0.0.1/8",
	             "office:3: route: '10.0.0.1/8' has host bits set; did you mean '10.0.0.0/8'?");
	assert_error(BASE "route 2001:db8::1/64", "office:3: route: '2001:db8::1/64' has host bits "
	                                          "set; did you mean '2001:db8::/64'?");
	assert_error(BASE "route 10.0.0.0/33",
	             "office:3: route: '10.0.0.0/33' has a bad prefix length; IPv4 takes 0-32");
	assert_error(BASE "route ::/200",
	             "office:3: route: '::/200' has a bad prefix length; IPv6 takes 0-128");
	assert_error(BASE "route office.lan", "office:3: route: 'office.lan' is not a network; "
	                                      "write ADDRESS/PREFIX, as in '10.1.0.0/16' or "
	                                      "'2001:db8::/32'");
	assert_error(BASE "route 0.0.0.0/0", "office:3: route: '0.0.0.0/0' is the default route; "
	                                     "write 'route-all yes' instead");
	assert_error("host server\nlocal-user root\nroute-all yes",
	             "office:3: route-all: local-user is root, whose traffic would all bypass the "
	             "link to keep ssh's connection out of it; name a dedicated account with "
	             "'local-user NAME'");
	assert_error(BASE "allow-lan yes", "office:3: allow-lan: only has a meaning with "
	                                   "'route-all yes'");
	assert_error(BASE "route-all no\nkill-switch no",
	             "office:4: kill-switch: only has a meaning with 'route-all yes'");
	assert_error("pty 'ssh x'\nroute-all yes",
	             "office:2: route-all: not with 'pty' (line 1): route-all keeps ssh's "
	             "connection on the underlying network by its local-user, which a pty "
	             "command has not");
	assert_error(BASE "ipv6 yes", "office:3: ipv6: needs 'ipv6-prefix ADDRESS/PREFIX', the "
	                              "server's ipv6-prefix (sshdial-server(5))");
	assert_error(BASE "ipv6-prefix fd83::/64",
	             "office:3: ipv6-prefix: only has a meaning with 'ipv6 yes'");
	assert_error(BASE "ipv6 yes\nipv6-prefix 10.0.0.0/8",
	             "office:4: ipv6-prefix: '10.0.0.0/8' is not an IPv6 prefix of /96 or shorter; "
	             "write the server's, as in 'ipv6-prefix fd83:1::/64'");
	struct diag *d = diag_new();
	struct peer *p = parse(BASE "ipv6 yes\nipv6-prefix fd83:77::/64", d);
	assert_non_null(p);
	assert_true(peer_ipv6(p));
	assert_int_equal(peer_ipv6_prefix(p)->prefixlen, 64);
	peer_free(p);
	p = parse(BASE "route-all yes\nallow-lan yes", d);
	assert_non_null(p);
	assert_true(peer_route_all(p));
	assert_true(peer_allow_lan(p));
	assert_true(peer_kill_switch(p)); /* the default */
	peer_free(p);
	p = parse(BASE "route-all yes\nkill-switch no", d);
	assert_non_null(p);
	assert_false(peer_kill_switch(p));
	assert_false(peer_lockdown(p));
	peer_free(p);
	p = parse(BASE "route-all yes", d);
	assert_non_null(p);
	assert_false(peer_lockdown(p)); /* yes is no lockdown */
	peer_free(p);
	p = parse(BASE "route-all yes\nkill-switch always", d);
	assert_non_null(p);
	assert_true(peer_kill_switch(p));
	assert_true(peer_lockdown(p));
	peer_free(p);
	diag_free(d);
	assert_error(BASE "route-all yes\nkill-switch sometimes",
	             "office:4: kill-switch: 'sometimes' is not yes, no or always; write "
	             "'kill-switch yes|no|always'");
	assert_error(BASE "kill-switch always",
	             "office:3: kill-switch: only has a meaning with 'route-all yes'");
	assert_error(BASE "route 10.0.0.0/8\nroute 10.0.0.0/8",
	             "office:4: route: '10.0.0.0/8' given twice (first at line 3)");
}

static void test_values(void **state)
{
	(void)state;
	assert_error(BASE "dns maybe", "office:3: dns: 'maybe' is not yes or no");
	assert_error(BASE "ssh-user", "office:3: ssh-user: missing value; write 'ssh-user NAME'");
	assert_error(BASE "ssh-user a b", "office:3: ssh-user: unexpected 'b' after 'a'; quote a "
	                                  "value that contains spaces");
	assert_error(BASE "ssh-user \"a b\"",
	             "office:3: ssh-user: 'a b' contains a space; a name has none");
	assert_error(BASE "ssh-user ''", "office:3: ssh-user: empty value; write 'ssh-user NAME'");
	assert_error("local-user alice\nhost pppuser@server",
	             "office:2: host: 'pppuser@server' contains '@'; write 'ssh-user pppuser' and "
	             "'host server'");
	assert_error("local-user alice\nhost -oProxyCommand=x",
	             "office:2: host: '-oProxyCommand=x' starts with '-', which ssh would take for "
	             "an option");
	/* Shell metacharacters: a name has none (the jump-host rule). */
	assert_error("local-user alice\nhost db$(id).internal",
	             "office:2: host: 'db$(id).internal' is not a host name or an "
	             "address (a name has only letters, digits, '.', '-' and '_'; it would reach a "
	             "shell through 'jump'); write the server's DNS name or address");
	assert_error("local-user alice\nhost 'a;b'",
	             "office:2: host: 'a;b' is not a host name or an "
	             "address (a name has only letters, digits, '.', '-' and '_'; it would reach a "
	             "shell through 'jump'); write the server's DNS name or address");
	assert_error("local-user alice\nhost .a",
	             "office:2: host: '.a' is not a host name or an "
	             "address (a name has only letters, digits, '.', '-' and '_'; it would reach a "
	             "shell through 'jump'); write the server's DNS name or address");
	peer_free(parse_ok("local-user alice\nhost 2001:db8::7 2222\nhost gw_1.example-2.org"));
	/* A DNS name has at most 253 bytes. */
	char host[300] = "local-user alice\nhost ";
	size_t at = strlen(host);
	memset(host + at, 'a', 253);
	host[at + 253] = '\0';
	peer_free(parse_ok(host));
	strcat(host, "b");
	assert_error(host,
	             "office:2: host: the name is 254 bytes long; a host name has at most 253");
	assert_error(BASE "identity id_rsa", "office:3: identity: 'id_rsa' is not an absolute "
	                                     "path; write it from / (or ~/ for local-user's home)");
	assert_error(BASE "linkname ../x",
	             "office:3: linkname: '../x' is not a valid link name; use at most 32 letters, "
	             "digits, '.', '_' and '-', not starting with '.'");
	assert_error(BASE "pty \"unterminated",
	             "office:3: unterminated double quote; add the closing \"");
}

static void test_health(void **state)
{
	(void)state;
	struct peer *p = parse_ok(BASE);
	assert_true(peer_health(p));
	assert_int_equal(peer_health_interval_ms(p), 1000);
	assert_int_equal(peer_health_timeout_ms(p), 3000);
	peer_free(p);
	p = parse_ok(BASE "health-interval 0.5\nhealth-timeout 2.25\nhealth no");
	assert_false(peer_health(p));
	assert_int_equal(peer_health_interval_ms(p), 500);
	assert_int_equal(peer_health_timeout_ms(p), 2250);
	peer_free(p);
	assert_error(BASE "health-interval 0",
	             "office:3: health-interval: '0' is not a number of seconds (0.1-3600)");
	assert_error(BASE "health-timeout 3s",
	             "office:3: health-timeout: '3s' is not a number of seconds (0.1-3600)");
	assert_error(BASE "health-interval 2\nhealth-timeout 3",
	             "office:4: health-timeout: 3 s is less than twice health-interval (2 s); one "
	             "lost probe would end the link: raise health-timeout");
}

static void test_ssh_options(void **state)
{
	(void)state;
	const char *reserved[] = {"StrictHostKeyChecking=no", "BatchMode no", "requesttty=yes",
	                          "EscapeChar=~"};
	const char *names[] = {"StrictHostKeyChecking", "BatchMode", "requesttty", "EscapeChar"};
	for (size_t i = 0; i < 4; i++) {
		char text[200], msg[300];
		snprintf(text, sizeof(text), BASE "ssh-option %s", reserved[i]);
		snprintf(msg, sizeof(msg),
		         "office:3: ssh-option: '%s' is set by sshdial itself, which always checks "
		         "host keys strictly; remove this line",
		         names[i]);
		assert_error(text, msg);
	}
	assert_error(BASE "ssh-option Compression",
	             "office:3: ssh-option: 'Compression' has no value; write 'ssh-option "
	             "Compression=VALUE'");
	assert_error(BASE "ssh-option =yes", "office:3: ssh-option: '' is not an ssh option name; "
	                                     "write 'ssh-option KEY=VALUE'");
	struct peer *p = parse_ok(BASE "ssh-option Compression = yes");
	assert_string_equal(strv_get(peer_ssh_options(p), 0), "Compression=yes");
	peer_free(p);
}

static void test_pppd_option_refusals(void **state)
{
	(void)state;
	assert_error(BASE "pppd-option pty 'ssh x'",
	             "office:3: pppd-option: 'pty' is not allowed: use the 'pty' keyword");
	assert_error(BASE "pppd-option \"user bob\"",
	             "office:3: pppd-option: 'user' is not allowed: use the 'pap-user' keyword");
	assert_error(BASE "pppd-option password secret",
	             "office:3: pppd-option: 'password' is not allowed: the secret would show on "
	             "pppd's command line; use 'pap-password-file'");
	assert_error(BASE "pppd-option call other",
	             "office:3: pppd-option: 'call' is not allowed: sshdial cannot check the "
	             "options of another file; copy them here as pppd-option lines");
	assert_errors(BASE "pppd-option noauth persist nodetach",
	              (const char *const[]){
	                  "office:3: pppd-option: 'persist' is not allowed: sshdial redials "
	                  "the link itself",
	                  "office:3: pppd-option: 'nodetach' is not allowed: sshdial keeps pppd "
	                  "in the foreground to supervise it",
	                  NULL});
	assert_error(BASE "pppd-option ip-up-script /x",
	             "office:3: pppd-option: 'ip-up-script' is not allowed: sshdial runs its own "
	             "hook; use 'up-script' (a pppd peer file: /etc/ppp/ip-up.d)");
	assert_error(BASE "pppd-option show-password",
	             "office:3: pppd-option: 'show-password' is not allowed: pppd would write the "
	             "PAP secret into its log, which sshdial relays; remove it");
	assert_error(BASE "show-password",
	             "office:3: unknown keyword 'show-password'; as a pppd option it is not "
	             "allowed: pppd would write the PAP secret into its log, which sshdial "
	             "relays; remove it");
	assert_error(BASE "pppd-option logfd 3",
	             "office:3: pppd-option: 'logfd' is not allowed: sshdial reads pppd's log "
	             "itself");
	assert_error(BASE "pppd-option mtu", "office:3: pppd-option: 'mtu' needs a value; write "
	                                     "'pppd-option \"mtu VALUE\"'");
	/* Values are stepped over: here 'user' and 'persist' are names. */
	struct peer *p = parse_ok(BASE "pppd-option name user\npppd-option remotename persist");
	assert_int_equal(strv_len(peer_pppd_options(p)), 4);
	assert_string_equal(strv_get(peer_pppd_options(p), 3), "persist");
	peer_free(p);
}

static void test_pty_conflicts(void **state)
{
	(void)state;
	assert_errors("host server\npty 'ssh x'\nport 22",
	              (const char *const[]){
	                  "office:1: host: not used with 'pty' (line 2), which runs instead of "
	                  "ssh; remove one of them",
	                  "office:3: port: not used with 'pty' (line 2), which runs instead of "
	                  "ssh; remove one of them",
	                  NULL});
	/* local-user is the account the command runs as: the safer set-up than uid 0. */
	struct peer *p = parse_ok("pty 'ssh x'\nlocal-user alice");
	assert_string_equal(peer_local_user(p), "alice");
	assert_non_null(peer_pty_command(p));
	peer_free(p);
}

static void test_collects_all_errors(void **state)
{
	(void)state;
	assert_errors("hots a\nport 0\ndns perhaps",
	              (const char *const[]){
	                  "office:1: unknown keyword 'hots'; did you mean 'host'?",
	                  "office:2: port: '0' is not a port number (1-65535)",
	                  "office:3: dns: 'perhaps' is not yes or no",
	                  "office: host: missing; name the ssh server with 'host NAME'",
	                  "office: local-user: missing; name the local account whose ssh keys "
	                  "and known_hosts ssh uses with 'local-user NAME' (root only if you "
	                  "name it)",
	                  NULL});
}

static void test_password_file(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	char *good = tmpdir_file(dir, "good", "s3cret\n", 0600);
	char *open_file = tmpdir_file(dir, "open", "s3cret\n", 0640);
	char *writable = tmpdir_file(dir, "writable", "s3cret\n", 0602);
	char text[1024], msg[1024];

	snprintf(text, sizeof(text), BASE "pap-user bob\npap-password-file %s", good);
	struct peer *p = parse_ok(text);
	assert_string_equal(peer_pap_user(p), "bob");
	assert_int_equal(peer_secret_source(p), SECRET_FILE);
	assert_string_equal(peer_secret_path(p), good);
	peer_free(p);

	snprintf(text, sizeof(text), BASE "pap-user bob\npap-password-file %s", open_file);
	snprintf(msg, sizeof(msg),
	         "office:4: pap-password-file: '%s' is readable or writable by group or others "
	         "(mode 0640); run 'chmod 600 %s'",
	         open_file, open_file);
	assert_error(text, msg);

	snprintf(text, sizeof(text), BASE "pap-user bob\npap-password-file %s", writable);
	snprintf(msg, sizeof(msg),
	         "office:4: pap-password-file: '%s' is readable or writable by group or others "
	         "(mode 0602); run 'chmod 600 %s'",
	         writable, writable);
	assert_error(text, msg);

	snprintf(text, sizeof(text), BASE "pap-user bob\npap-password-file %s/missing", dir);
	snprintf(msg, sizeof(msg),
	         "office:4: pap-password-file: cannot stat '%s/missing': No such file or directory",
	         dir);
	assert_error(text, msg);

	snprintf(text, sizeof(text), BASE "pap-user bob\npap-password-file %s", dir);
	snprintf(msg, sizeof(msg), "office:4: pap-password-file: '%s' is not a regular file", dir);
	assert_error(text, msg);

	assert_error(BASE "pap-user bob\npap-password-file secret",
	             "office:4: pap-password-file: 'secret' is not an absolute path; write it "
	             "from /");
	free(good);
	free(open_file);
	free(writable);
	tmpdir_remove(dir);
}

/* The one message text is refused with. */
static char *only_error(const char *text)
{
	struct diag *d = diag_new();
	struct peer *p = parse(text, d);
	assert_null(p);
	assert_int_equal(diag_count(d), 1);
	char *msg = strdup(diag_get(d, 0));
	diag_free(d);
	return msg;
}

/* up-script and down-script run as root: root's executable file that only root can change,
 * refused at its line otherwise. */
static void test_scripts(void **state)
{
	(void)state;
	struct peer *p = parse_ok(BASE "up-script /bin/true\ndown-script /bin/false");
	assert_string_equal(peer_up_script(p), "/bin/true");
	assert_string_equal(peer_down_script(p), "/bin/false");
	assert_false(peer_pppd_file(p));
	peer_free(p);
	p = parse_ok(BASE);
	assert_null(peer_up_script(p));
	assert_null(peer_down_script(p));
	peer_free(p);

	char *dir = tmpdir_new();
	char *open_file = tmpdir_file(dir, "up", "#!/bin/sh\n", 0777);
	char text[1024];
	snprintf(text, sizeof(text), BASE "up-script %s", open_file);
	char *msg = only_error(text);
	/* Whoever runs the test: not root's, or writable by others (trusted_file.c says). */
	assert_true(strncmp(msg, "office:3: up-script: ", 21) == 0);
	assert_non_null(strstr(msg, open_file));
	assert_non_null(strstr(msg, "(the script runs as root)"));
	free(msg);

	msg = only_error(BASE "down-script /etc/passwd");
	assert_string_equal(msg, "office:3: down-script: '/etc/passwd' is not executable; run "
	                         "'chmod 755 /etc/passwd'");
	free(msg);

	snprintf(text, sizeof(text), BASE "up-script %s/missing", dir);
	msg = only_error(text);
	assert_true(strncmp(msg, "office:3: up-script: ", 21) == 0);
	assert_non_null(strstr(msg, "No such file or directory"));
	free(msg);

	assert_error(BASE "up-script up.sh",
	             "office:3: up-script: 'up.sh' is not an absolute path; write it from /");
	free(open_file);
	tmpdir_remove(dir);
}

static void test_pap_combinations(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	char *pw = tmpdir_file(dir, "pw", "x\n", 0600);
	char *secrets = tmpdir_file(dir, "pap-secrets", "bob * x\n", 0600);
	char text[1024], msg[1024];

	snprintf(text, sizeof(text), BASE "pap-user bob\npap-secrets %s", secrets);
	struct peer *p = parse_ok(text);
	assert_int_equal(peer_secret_source(p), SECRET_PAP_SECRETS);
	assert_string_equal(peer_secret_path(p), secrets);
	peer_free(p);

	snprintf(text, sizeof(text), BASE "pap-user bob\npap-secrets %s\npap-password-file %s",
	         secrets, pw);
	snprintf(msg, sizeof(msg),
	         "office:5: pap-password-file: conflicts with pap-secrets at line 4; keep one");
	assert_error(text, msg);

	snprintf(text, sizeof(text), BASE "pap-password-file %s", pw);
	assert_error(text, "office:3: pap-password-file: needs 'pap-user NAME', the account to "
	                   "authenticate as");
	free(pw);
	free(secrets);
	tmpdir_remove(dir);
}

static void test_pap_user_alone_uses_pppd_secrets(void **state)
{
	(void)state;
	struct stat st;
	struct diag *d = diag_new();
	struct peer *p = parse(BASE "pap-user bob", d);
	if (stat(PPPD_PAP_SECRETS, &st) == 0 && (st.st_mode & 066) == 0) {
		assert_non_null(p);
		assert_int_equal(peer_secret_source(p), SECRET_PAP_SECRETS);
		assert_string_equal(peer_secret_path(p), PPPD_PAP_SECRETS);
	} else {
		assert_null(p);
		assert_int_equal(diag_count(d), 1);
		assert_non_null(strstr(diag_get(d, 0), "office:3: pap-user: "));
		assert_non_null(strstr(diag_get(d, 0), PPPD_PAP_SECRETS));
	}
	peer_free(p);
	diag_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_peer),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_quoting_values),
	    cmocka_unit_test(test_pty_peer),
	    cmocka_unit_test(test_transport),
	    cmocka_unit_test(test_unknown_keywords),
	    cmocka_unit_test(test_port),
	    cmocka_unit_test(test_given_twice),
	    cmocka_unit_test(test_servers),
	    cmocka_unit_test(test_required),
	    cmocka_unit_test(test_routes),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_ssh_options),
	    cmocka_unit_test(test_health),
	    cmocka_unit_test(test_pppd_option_refusals),
	    cmocka_unit_test(test_pty_conflicts),
	    cmocka_unit_test(test_collects_all_errors),
	    cmocka_unit_test(test_password_file),
	    cmocka_unit_test(test_scripts),
	    cmocka_unit_test(test_pap_combinations),
	    cmocka_unit_test(test_pap_user_alone_uses_pppd_secrets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
