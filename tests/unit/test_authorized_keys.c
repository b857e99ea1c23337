#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "server/authorized_keys.h"
#include "tmpdir.h"

#define ED25519 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEiuXCk122ynR6uPIoaCKB1mRZwlcEmqG+5OxCNCl/lL"

static char why[512];

static void assert_key(const char *text, const char *expected)
{
	char *k = authorized_key_check(text, why, sizeof(why));
	if (!k)
		fail_msg("refused: %s", why);
	assert_string_equal(k, expected);
	free(k);
}

static void assert_refused(const char *text, const char *message)
{
	char *k = authorized_key_check(text, why, sizeof(why));
	assert_null(k);
	assert_string_equal(why, message);
}

static void test_key_check(void **state)
{
	(void)state;
	assert_key(ED25519 " alice@laptop\n", ED25519 " alice@laptop");
	assert_key("\n  " ED25519 "\r\n\n", ED25519);
	assert_key(ED25519 "   two words  \n", ED25519 " two words");
	assert_refused("", "it is empty; give a public key (.pub)");
	assert_refused("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n",
	               "it is a private key; give the public key (the .pub file)");
	assert_refused(ED25519 "\n" ED25519 "\n",
	               "it holds more than one line; give a single public key (.pub)");
	assert_refused("restrict " ED25519,
	               "'restrict' is not a public key type (ssh-ed25519, ssh-rsa, "
	               "ecdsa-sha2-...); give the .pub file, without authorized_keys options");
	/* The type inside the blob must be the one named. */
	assert_refused(
	    "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIEiuXCk122ynR6uPIoaCKB1mRZwlcEmqG+5OxCNCl/lL",
	    "the ssh-rsa key data does not decode; is the file cut short?");
	assert_refused("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI",
	               "the ssh-ed25519 key data does not decode; is the file cut short?");
	assert_refused("ssh-ed25519 AAAA!!!!", "the ssh-ed25519 key data does not decode; is the "
	                                       "file cut short?");
	assert_refused(ED25519 " evil\x01", "the key's comment contains a control character");
}

static void test_line(void **state)
{
	(void)state;
	struct strv *serve = strv_new();
	strv_push(serve, "--address");
	strv_push(serve, "192.168.77.10");
	struct authorize_spec s = {.sshdial = "/usr/local/sbin/sshdial", .name = "alice"};
	char *line = authorized_keys_line(&s, ED25519 " alice@laptop", why, sizeof(why));
	assert_string_equal(
	    line, "restrict,command=\"/usr/local/sbin/sshdial serve --key alice\" " ED25519
	          " alice@laptop");
	free(line);
	s.serve = serve;
	s.old_sshd = true;
	line = authorized_keys_line(&s, ED25519, why, sizeof(why));
	assert_string_equal(line, "no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty,"
	                          "command=\"/usr/local/sbin/sshdial serve --key alice --address "
	                          "192.168.77.10\" " ED25519);
	free(line);

	s.name = "a\"b";
	assert_null(authorized_keys_line(&s, ED25519, why, sizeof(why)));
	assert_string_equal(why, "the name 'a\"b' would need quoting in the line");
	s.name = "alice";
	s.sshdial = "/opt/my tools/sshdial";
	assert_null(authorized_keys_line(&s, ED25519, why, sizeof(why)));
	assert_string_equal(why, "the path '/opt/my tools/sshdial' of sshdial would need quoting "
	                         "in the line; install it under a plain path such as "
	                         "/usr/local/sbin");
	s.sshdial = "/usr/sbin/sshdial";
	strv_push(serve, "--dns");
	strv_push(serve, "$(reboot)");
	assert_null(authorized_keys_line(&s, ED25519, why, sizeof(why)));
	assert_string_equal(why, "'$(reboot)' would need quoting in the line");
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
	char *line = authorized_keys_line(&s, ED25519, why, sizeof(why));
	assert_string_equal(
	    line, "restrict,port-forwarding,permitopen=\"127.0.0.1:110\","
	          "permitopen=\"[fd00::5]:80\","
	          "permitlisten=\"sshdial-no-listen.invalid:1\","
	          "command=\"/usr/sbin/sshdial serve --forward-only --key mail\" " ED25519);
	free(line);
	strv_push(listen, "8022");
	s.forward_only = false;
	line = authorized_keys_line(&s, ED25519, why, sizeof(why));
	assert_string_equal(line, "restrict,port-forwarding,permitopen=\"127.0.0.1:110\","
	                          "permitopen=\"[fd00::5]:80\",permitlisten=\"8022\","
	                          "command=\"/usr/sbin/sshdial serve --key mail\" " ED25519);
	free(line);
	/* Listeners only: no local forward reaches anything (no permitopen would allow all). */
	struct strv *none = strv_new();
	s.permit_open = none;
	line = authorized_keys_line(&s, ED25519, why, sizeof(why));
	assert_string_equal(line,
	                    "restrict,port-forwarding,permitopen=\"sshdial-no-open.invalid:1\","
	                    "permitlisten=\"8022\","
	                    "command=\"/usr/sbin/sshdial serve --key mail\" " ED25519);
	free(line);
	strv_free(none);
	s.permit_open = open;
	strv_push(open, "host\",command=\"sh");
	assert_null(authorized_keys_line(&s, ED25519, why, sizeof(why)));
	assert_non_null(strstr(why, "--permit-open 'host\",command=\"sh': not HOST:PORT"));
	strv_free(open);
	open = strv_new();
	strv_push(open, "a:1");
	s.permit_open = open;
	s.old_sshd = true;
	assert_null(authorized_keys_line(&s, ED25519, why, sizeof(why)));
	assert_non_null(strstr(why, "before OpenSSH 7.8"));
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
