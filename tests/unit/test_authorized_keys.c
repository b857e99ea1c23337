#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib/err.h"
#include "server/authorized_keys.h"
#include "tmpdir.h"

#define ED25519 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEiuXCk122ynR6uPIoaCKB1mRZwlcEmqG+5OxCNCl/lL"

static struct err why;

static void assert_key(const char *text, const char *expected)
{
	char *k = authorized_key_check(text, &why);
	if (!k)
		fail_msg("refused: %s", why.what);
	assert_string_equal(k, expected);
	free(k);
}

/* The refusal's what and fix; its where is the caller's (the --key file). */
static void assert_refused(const char *text, const char *what, const char *fix)
{
	err_set(&why, "stale", NULL, "stale");
	char *k = authorized_key_check(text, &why);
	assert_null(k);
	assert_string_equal(why.where, "");
	assert_string_equal(why.what, what);
	assert_string_equal(why.fix, fix);
}

static void test_key_check(void **state)
{
	(void)state;
	assert_key(ED25519 " alice@laptop\n", ED25519 " alice@laptop");
	assert_key("\n  " ED25519 "\r\n\n", ED25519);
	assert_key(ED25519 "   two words  \n", ED25519 " two words");
	assert_refused("", "it is empty", "give a public key (.pub)");
	assert_refused("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n", "it is a private key",
	               "give the public key (the .pub file)");
	assert_refused(ED25519 "\n" ED25519 "\n", "it holds more than one line",
	               "give a single public key (.pub)");
	assert_refused("restrict " ED25519,
	               "'restrict' is not a public key type (ssh-ed25519, ssh-rsa, "
	               "ecdsa-sha2-...)",
	               "give the .pub file, without authorized_keys options");
	/* The type inside the blob must be the one named. */
	assert_refused(
	    "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIEiuXCk122ynR6uPIoaCKB1mRZwlcEmqG+5OxCNCl/lL",
	    "the ssh-rsa key data does not decode", "is the file cut short?");
	assert_refused("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI",
	               "the ssh-ed25519 key data does not decode", "is the file cut short?");
	assert_refused("ssh-ed25519 AAAA!!!!", "the ssh-ed25519 key data does not decode",
	               "is the file cut short?");
	assert_refused(ED25519 " evil\x01", "the key's comment contains a control character",
	               "edit the comment at the end of the .pub file");
	/* Formatted after the caller's where, it reads as the message did before. */
	char line[ERR_LINE_MAX];
	assert_null(authorized_key_check("", &why));
	err_where(&why, "--key a.pub");
	assert_string_equal(err_format(&why, line, sizeof(line)),
	                    "--key a.pub: it is empty; give a public key (.pub)");
}

static void test_line(void **state)
{
	(void)state;
	struct strv *serve = strv_new();
	strv_push(serve, "--address");
	strv_push(serve, "192.168.77.10");
	struct authorize_spec s = {.sshdial = "/usr/local/sbin/sshdial", .name = "alice"};
	char *line = authorized_keys_line(&s, ED25519 " alice@laptop", &why);
	assert_string_equal(
	    line, "restrict,command=\"/usr/local/sbin/sshdial serve --key alice\" " ED25519
	          " alice@laptop");
	free(line);
	s.serve = serve;
	s.old_sshd = true;
	line = authorized_keys_line(&s, ED25519, &why);
	assert_string_equal(line, "no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty,"
	                          "command=\"/usr/local/sbin/sshdial serve --key alice --address "
	                          "192.168.77.10\" " ED25519);
	free(line);

	s.name = "a\"b";
	assert_null(authorized_keys_line(&s, ED25519, &why));
	assert_string_equal(why.where, "--name");
	assert_string_equal(why.what, "'a\"b' would need quoting in the line");
	assert_string_equal(why.fix, "use letters, digits, '.', '_' and '-'");
	s.name = "alice";
	s.sshdial = "/opt/my tools/sshdial";
	assert_null(authorized_keys_line(&s, ED25519, &why));
	assert_string_equal(why.where, "");
	assert_string_equal(why.what,
	                    "the path '/opt/my tools/sshdial' of sshdial would need quoting in "
	                    "the line");
	assert_string_equal(why.fix, "install it under a plain path such as /usr/local/sbin, or "
	                             "name one with --sshdial");
	s.sshdial = "/usr/sbin/sshdial";
	strv_push(serve, "--dns");
	strv_push(serve, "$(reboot)");
	assert_null(authorized_keys_line(&s, ED25519, &why));
	assert_string_equal(why.what, "'$(reboot)' would need quoting in the line");
	assert_string_equal(why.fix, "give it without spaces, quotes or shell characters");
	strv_free(serve);
}

/* A key given forwards gets exactly those, no listener when none is named and no local
 * forward when none is named. */
static void test_forward_line(void **state)
{
	(void)state;
	struct strv *open = strv_new(), *listen = strv_new();
	strv_push(open, "127.0.0.1:110");
	strv_push(open, "[fd00::5]:80");
	struct authorize_spec s = {.sshdial = "/usr/sbin/sshdial",
	                           .name = "mail",
	                           .permit_open = open,
	                           .permit_listen = listen,
	                           .forward_only = true};
	char *line = authorized_keys_line(&s, ED25519, &why);
	assert_string_equal(
	    line, "restrict,port-forwarding,permitopen=\"127.0.0.1:110\","
	          "permitopen=\"[fd00::5]:80\","
	          "permitlisten=\"sshdial-no-listen.invalid:1\","
	          "command=\"/usr/sbin/sshdial serve --forward-only --key mail\" " ED25519);
	free(line);
	strv_push(listen, "8022");
	s.forward_only = false;
	line = authorized_keys_line(&s, ED25519, &why);
	assert_string_equal(line, "restrict,port-forwarding,permitopen=\"127.0.0.1:110\","
	                          "permitopen=\"[fd00::5]:80\",permitlisten=\"8022\","
	                          "command=\"/usr/sbin/sshdial serve --key mail\" " ED25519);
	free(line);
	/* Listeners only: no local forward reaches anything (no permitopen would allow all). */
	struct strv *none = strv_new();
	s.permit_open = none;
	line = authorized_keys_line(&s, ED25519, &why);
	assert_string_equal(line,
	                    "restrict,port-forwarding,permitopen=\"sshdial-no-open.invalid:1\","
	                    "permitlisten=\"8022\","
	                    "command=\"/usr/sbin/sshdial serve --key mail\" " ED25519);
	free(line);
	strv_free(none);
	s.permit_open = open;
	strv_push(open, "host\",command=\"sh");
	assert_null(authorized_keys_line(&s, ED25519, &why));
	assert_string_equal(why.where, "--permit-open 'host\",command=\"sh'");
	assert_string_equal(why.what, "not HOST:PORT");
	assert_string_equal(why.fix,
	                    "give a name, an address or [IPv6], and a port from 1 to 65535");
	strv_free(listen);
	listen = strv_new();
	strv_push(listen, "99999");
	s.permit_listen = listen;
	strv_free(open);
	open = strv_new();
	s.permit_open = open;
	assert_null(authorized_keys_line(&s, ED25519, &why));
	assert_string_equal(why.where, "--permit-listen '99999'");
	assert_string_equal(why.what, "not PORT or HOST:PORT");
	strv_free(open);
	open = strv_new();
	strv_push(open, "a:1");
	s.permit_open = open;
	s.old_sshd = true;
	assert_null(authorized_keys_line(&s, ED25519, &why));
	assert_string_equal(why.where, "--old-sshd");
	assert_non_null(strstr(why.what, "before OpenSSH 7.8"));
	assert_string_equal(why.fix, "drop --old-sshd or the forwards");
	strv_free(open);
	strv_free(listen);
}

static void test_locate(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	char *path = tmpdir_file(
	    dir, "authorized_keys",
	    "# keys\n" ED25519 " plain\n"
	    "from=\"10.0.0.0/8\",command=\"/usr/sbin/sshdial serve --key bob\" " ED25519 "\n"
	    "restrict,command=\"/usr/sbin/sshdial serve --key alice --mtu 1400\" " ED25519 "\n"
	    "restrict,command=\"echo \\\"quoted\\\" x\" " ED25519 "\n",
	    0600);
	char *alice[] = {"/usr/sbin/sshdial", "serve", "--key", "alice", "--mtu", "1400"};
	char *bob[] = {"/usr/sbin/sshdial", "serve", "--key", "bob"};
	char *quoted[] = {"echo", "quoted", "x"};
	assert_int_equal(authorized_keys_locate(path, 6, alice), 4);
	assert_int_equal(authorized_keys_locate(path, 4, bob), 3);
	assert_int_equal(authorized_keys_locate(path, 3, quoted), 5);
	assert_int_equal(authorized_keys_locate(path, 3, bob), 0);
	assert_int_equal(authorized_keys_locate("/nonexistent/authorized_keys", 4, bob), 0);
	free(path);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_key_check),
	    cmocka_unit_test(test_line),
	    cmocka_unit_test(test_forward_line),
	    cmocka_unit_test(test_locate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
