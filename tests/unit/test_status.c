#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "daemon/status.h"
#include "lib/err.h"

/* A link's last failure as the link keeps it: where names the peer, which status leaves out
 * (the row names it). */
static const struct link_failure *failure(struct link_failure *f, const char *peer,
                                          const char *what, const char *fix)
{
	err_set(&f->err, peer, fix, "%s", what);
	f->cls = FAILURE_PERMANENT;
	f->at = 1700000000;
	return f;
}

static void test_json_up_and_idle(void **state)
{
	(void)state;
	struct link_failure f;
	struct status_row rows[2] = {
	    {.name = "a",
	     .state = "up",
	     .autostart = true,
	     .have_bytes = true,
	     .rx_bytes = 1234,
	     .tx_bytes = 99,
	     .info = {.state = LINK_UP,
	              .attempts = 2,
	              .ifname = "ppp0",
	              .local = "192.168.77.10",
	              .remote = "192.168.77.1",
	              .uptime_s = 61.4,
	              .rtt_us = 1500,
	              .server = "gw.example.org",
	              .transport = "frames",
	              .path = "dev eth0 via 10.0.0.1 src 10.0.0.5"}},
	    {.name = "b\"q",
	     .state = "failed",
	     .info = {.state = LINK_FAILED,
	              .attempts = 1,
	              .last_failure = failure(&f, "b\"q", "host key \x1b[31m",
	                                      "remove the old key from known_hosts"),
	              .rtt_us = -1}},
	};
	struct textbuf out = {0};
	status_render_json(&out, rows, 2, NULL, 0);
	assert_string_equal(
	    out.data,
	    "[{\"name\":\"a\",\"state\":\"up\",\"autostart\":true,\"server\":\"gw.example.org\","
	    "\"transport\":\"frames\",\"ifname\":\"ppp0\","
	    "\"local\":\"192.168.77.10\",\"peer\":\"192.168.77.1\",\"uptime\":61,\"attempts\":2,"
	    "\"last_failure\":null,\"last_failure_time\":null,\"rx_bytes\":1234,\"tx_bytes\":99,"
	    "\"rtt_ms\":1.500,\"path\":\"dev eth0 via 10.0.0.1 src 10.0.0.5\",\"path_dev\":null,"
	    "\"path_via\":null,\"blocked\":null,\"phase\":null,\"next_retry\":null,"
	    "\"kill_switch\":null,\"kill_switch_always\":false,\"forwards\":[],\"refused\":null,"
	    "\"last_failure_fix\":null},"
	    "{\"name\":\"b\\\"q\",\"state\":\"failed\",\"autostart\":false,\"server\":null,"
	    "\"transport\":null,\"ifname\":null,"
	    "\"local\":null,\"peer\":null,\"uptime\":0,\"attempts\":1,"
	    "\"last_failure\":\"host key \\u001b[31m\",\"last_failure_time\":1700000000,"
	    "\"rx_bytes\":null,\"tx_bytes\":null,\"rtt_ms\":null,\"path\":null,\"path_dev\":null,"
	    "\"path_via\":null,\"blocked\":null,\"phase\":null,\"next_retry\":null,"
	    "\"kill_switch\":null,\"kill_switch_always\":false,\"forwards\":[],\"refused\":null,"
	    "\"last_failure_fix\":\"remove the old key from known_hosts\"}]"
	    "\n");
	textbuf_free(&out);
}

static void test_json_empty(void **state)
{
	(void)state;
	struct textbuf out = {0};
	status_render_json(&out, NULL, 0, NULL, 0);
	assert_string_equal(out.data, "[]\n");
	textbuf_free(&out);
}

/* The last failure with its fix, and its cause; its where (the peer) left to the row. */
static void test_text(void **state)
{
	(void)state;
	struct link_failure f;
	failure(&f, "office", "cannot start pppd", "install the ppp package");
	err_cause(&f.err, 2, "No such file or directory");
	struct status_row row = {.name = "office",
	                         .state = "failed",
	                         .info = {.attempts = 3, .last_failure = &f, .rtt_us = -1}};
	struct textbuf out = {0};
	status_render_text(&out, &row, 1);
	assert_string_equal(out.data, "office: failed, attempts 3\n"
	                              "  last failure at 2023-11-14T22:13:20Z: cannot start pppd: "
	                              "No such file or directory; install the ppp package\n");
	textbuf_free(&out);
	/* JSON: the fix in a key of its own. */
	status_render_json(&out, &row, 1, NULL, 0);
	assert_non_null(strstr(out.data, "\"last_failure\":\"cannot start pppd: No such file or "
	                                 "directory\",\"last_failure_time\":1700000000,"));
	assert_non_null(strstr(out.data, "\"last_failure_fix\":\"install the ppp package\"}"));
	textbuf_free(&out);
}

/* A peer whose kill switch is held with no link: status says why and what lifts it. */
static void test_blocked(void **state)
{
	(void)state;
	const char *why = "the daemon restarted; 'sshdial up office' or 'sshdial unlock office'";
	struct status_row row = {
	    .name = "office", .state = "blocked", .blocked = why, .info = {.rtt_us = -1}};
	struct textbuf out = {0};
	status_render_text(&out, &row, 1);
	assert_string_equal(out.data, "office: blocked, attempts 0\n"
	                              "  blocked: the daemon restarted; 'sshdial up office' or "
	                              "'sshdial unlock office'\n");
	textbuf_free(&out);
	status_render_json(&out, &row, 1, NULL, 0);
	assert_non_null(strstr(out.data, ",\"blocked\":\"the daemon restarted; 'sshdial up "
	                                 "office' or 'sshdial unlock office'\","));
	textbuf_free(&out);
}

static void test_bytes(void **state)
{
	(void)state;
	char b[32];
	status_bytes(b, sizeof(b), 0);
	assert_string_equal(b, "0 B");
	status_bytes(b, sizeof(b), 1023);
	assert_string_equal(b, "1023 B");
	status_bytes(b, sizeof(b), 1024);
	assert_string_equal(b, "1.0 KiB");
	status_bytes(b, sizeof(b), 1536);
	assert_string_equal(b, "1.5 KiB");
	/* Just under 1 MiB rounds to 1024.0 KiB: said as 1.0 MiB instead. */
	status_bytes(b, sizeof(b), 1048575);
	assert_string_equal(b, "1.0 MiB");
	status_bytes(b, sizeof(b), 5u * 1024 * 1024 + 300 * 1024);
	assert_string_equal(b, "5.3 MiB");
	status_bytes(b, sizeof(b), 3ull * 1024 * 1024 * 1024);
	assert_string_equal(b, "3.0 GiB");
	status_bytes(b, sizeof(b), 2ull << 40);
	assert_string_equal(b, "2.0 TiB");
	status_bytes(b, sizeof(b), UINT64_MAX);
	assert_string_equal(b, "16.0 EiB");
}

static void test_durations(void **state)
{
	(void)state;
	char b[48];
	status_duration(b, sizeof(b), 0);
	assert_string_equal(b, "0 s");
	status_duration(b, sizeof(b), -3);
	assert_string_equal(b, "0 s");
	status_duration(b, sizeof(b), 41.6);
	assert_string_equal(b, "42 s");
	status_duration(b, sizeof(b), 59.4);
	assert_string_equal(b, "59 s");
	status_duration(b, sizeof(b), 60);
	assert_string_equal(b, "1 min 0 s");
	status_duration(b, sizeof(b), 725);
	assert_string_equal(b, "12 min 5 s");
	status_duration(b, sizeof(b), 3 * 3600 + 125);
	assert_string_equal(b, "3 h 2 min");
	status_duration(b, sizeof(b), 4 * 86400 + 3 * 3600 + 59);
	assert_string_equal(b, "4 d 3 h");
}

static void test_due(void **state)
{
	(void)state;
	char b[48];
	status_due(b, sizeof(b), 0);
	assert_string_equal(b, "now");
	status_due(b, sizeof(b), 0.49);
	assert_string_equal(b, "now");
	status_due(b, sizeof(b), 0.5);
	assert_string_equal(b, "in 1 s");
	/* Rounded up: never "in 11 s" for a retry 11.2 s away. */
	status_due(b, sizeof(b), 11.2);
	assert_string_equal(b, "in 12 s");
	status_due(b, sizeof(b), 12);
	assert_string_equal(b, "in 12 s");
	status_due(b, sizeof(b), 90);
	assert_string_equal(b, "in 1 min 30 s");
}

static void test_kill_switch_words(void **state)
{
	(void)state;
	char b[64];
	struct link_info li = {0};
	status_kill_switch(b, sizeof(b), &li);
	assert_string_equal(b, "-");
	li.kill_switch = "in_force";
	status_kill_switch(b, sizeof(b), &li);
	assert_string_equal(b, "in force");
	li.kill_switch = "holding";
	li.kill_switch_always = true;
	status_kill_switch(b, sizeof(b), &li);
	assert_string_equal(b, "always, holding traffic");
	li.kill_switch = "unlocked";
	status_kill_switch(b, sizeof(b), &li);
	assert_string_equal(b, "always, unlocked");
}

/* The table: columns as wide as their widest cell, no trailing spaces, then what each
 * link has beyond its row, then the refused files with their first error. */
static void test_table(void **state)
{
	(void)state;
	struct link_failure f;
	struct forward_status fwd[2] = {
	    {.text = "forward local 1110 -> 127.0.0.1:110", .state = "up", .reason = ""},
	    {.text = "forward local 2222 -> 10.0.0.9:22",
	     .state = "down",
	     .reason = "127.0.0.1:2222: Address already in use"}};
	struct status_row rows[2] = {
	    {.name = "office",
	     .state = "up",
	     .have_bytes = true,
	     .rx_bytes = 1536,
	     .tx_bytes = 3u * 1024 * 1024,
	     .forwards = fwd,
	     .nforwards = 2,
	     .info = {.state = LINK_UP,
	              .attempts = 1,
	              .ifname = "ppp0",
	              .local = "192.168.77.10",
	              .remote = "192.168.77.1",
	              .uptime_s = 725,
	              .rtt_us = 1500,
	              .server = "gw.example.org",
	              .transport = "frames",
	              .kill_switch = "in_force"}},
	    {.name = "s",
	     .state = "backoff",
	     .info = {.state = LINK_BACKOFF,
	              .attempts = 3,
	              .last_failure = failure(&f, "s", "ssh: connection refused", NULL),
	              .rtt_us = -1,
	              .server = "b.example.org",
	              .retrying = true,
	              .next_retry_s = 11.2}},
	};
	struct status_refused refused[1] = {
	    {.name = "broken", .error = "/etc/sshdial/peers/broken:3: unknown keyword 'hots'"}};
	struct textbuf out = {0};
	status_render_table(&out, rows, 2, refused, 1);
	assert_string_equal(
	    out.data,
	    "PEER    STATE    SERVER          TRANSPORT  INTERFACE                           UPTIME"
	    "      IN       OUT      RTT     NEXT TRY\n"
	    "office  up       gw.example.org  frames     ppp0 192.168.77.10 -> 192.168.77.1  "
	    "12 min 5 s  1.5 KiB  3.0 MiB  1.5 ms  -\n"
	    "s       backoff  b.example.org   -          -                                   -"
	    "           -        -        -       in 12 s\n"
	    "\n"
	    "office:\n"
	    "  kill switch: in force\n"
	    "  forward local 1110 -> 127.0.0.1:110: up\n"
	    "  forward local 2222 -> 10.0.0.9:22: down: 127.0.0.1:2222: Address already in use\n"
	    "\n"
	    "s:\n"
	    "  last failure at 2023-11-14T22:13:20Z: ssh: connection refused\n"
	    "\n"
	    "refused peer files (fix them, then 'sshdial reload'):\n"
	    "  broken  /etc/sshdial/peers/broken:3: unknown keyword 'hots'\n");
	textbuf_free(&out);
}

/* Only refused files: no table heading, the list alone; nothing at all: "no peers". */
static void test_table_refused_only(void **state)
{
	(void)state;
	struct status_refused refused[2] = {
	    {.name = "a", .error = "/p/a:1: bad"},
	    {.name = "long-name", .error = "/p/long-name:9: worse"}};
	struct textbuf out = {0};
	status_render_table(&out, NULL, 0, refused, 2);
	assert_string_equal(out.data, "refused peer files (fix them, then 'sshdial reload'):\n"
	                              "  a          /p/a:1: bad\n"
	                              "  long-name  /p/long-name:9: worse\n");
	textbuf_free(&out);
	status_render_table(&out, NULL, 0, NULL, 0);
	assert_string_equal(out.data, "no peers\n");
	textbuf_free(&out);
}

/* The newer keys, after the stable ones; a refused file is an object of state
 * "refused" after the links. */
static void test_json_new_keys(void **state)
{
	(void)state;
	struct forward_status fwd = {
	    .text = "forward socks 1080", .state = "down", .reason = "not set up yet"};
	struct status_row row = {.name = "office",
	                         .state = "dialing",
	                         .forwards = &fwd,
	                         .nforwards = 1,
	                         .refused = "/etc/sshdial/peers/office:2: bad",
	                         .info = {.state = LINK_DIALING,
	                                  .rtt_us = -1,
	                                  .phase = "authenticating",
	                                  .kill_switch = "holding",
	                                  .kill_switch_always = true}};
	struct status_refused refused = {.name = "broken", .error = "/p/broken:3: \"x\""};
	struct textbuf out = {0};
	status_render_json(&out, &row, 1, &refused, 1);
	assert_non_null(strstr(
	    out.data,
	    ",\"blocked\":null,\"phase\":\"authenticating\",\"next_retry\":null,"
	    "\"kill_switch\":\"holding\",\"kill_switch_always\":true,"
	    "\"forwards\":[{\"forward\":\"forward socks 1080\",\"state\":\"down\","
	    "\"reason\":\"not set up yet\"}],\"refused\":\"/etc/sshdial/peers/office:2: bad\","
	    "\"last_failure_fix\":null},"
	    "{\"name\":\"broken\",\"state\":\"refused\",\"autostart\":false,"));
	assert_non_null(strstr(out.data, "\"refused\":\"/p/broken:3: \\\"x\\\"\","
	                                 "\"last_failure_fix\":null}]\n"));
	textbuf_free(&out);

	row = (struct status_row){
	    .name = "b",
	    .state = "backoff",
	    .info = {.state = LINK_BACKOFF, .rtt_us = -1, .retrying = true, .next_retry_s = 4.25}};
	status_render_json(&out, &row, 1, NULL, 0);
	assert_non_null(strstr(out.data, "\"next_retry\":4.2,") ||
	                strstr(out.data, "\"next_retry\":4.3,"));
	textbuf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_up_and_idle),
	    cmocka_unit_test(test_json_empty),
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_blocked),
	    cmocka_unit_test(test_bytes),
	    cmocka_unit_test(test_durations),
	    cmocka_unit_test(test_due),
	    cmocka_unit_test(test_kill_switch_words),
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_table_refused_only),
	    cmocka_unit_test(test_json_new_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
