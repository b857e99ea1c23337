#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "daemon/status.h"

static void test_json_up_and_idle(void **state)
{
	(void)state;
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
	              .last_failure = "",
	              .rtt_us = 1500,
	              .server = "gw.example.org",
	              .transport = "frames",
	              .path = "dev eth0 via 10.0.0.1 src 10.0.0.5"}},
	    {.name = "b\"q",
	     .state = "failed",
	     .info = {.state = LINK_FAILED,
	              .attempts = 1,
	              .last_failure = "host key \x1b[31m",
	              .last_failure_at = 1700000000,
	              .rtt_us = -1}},
	};
	struct textbuf out = {0};
	status_render_json(&out, rows, 2);
	assert_string_equal(
	    out.data,
	    "[{\"name\":\"a\",\"state\":\"up\",\"autostart\":true,\"server\":\"gw.example.org\","
	    "\"transport\":\"frames\",\"ifname\":\"ppp0\","
	    "\"local\":\"192.168.77.10\",\"peer\":\"192.168.77.1\",\"uptime\":61,\"attempts\":2,"
	    "\"last_failure\":null,\"last_failure_time\":null,\"rx_bytes\":1234,\"tx_bytes\":99,"
	    "\"rtt_ms\":1.500,\"path\":\"dev eth0 via 10.0.0.1 src 10.0.0.5\",\"path_dev\":null,"
	    "\"path_via\":null,\"blocked\":null},"
	    "{\"name\":\"b\\\"q\",\"state\":\"failed\",\"autostart\":false,\"server\":null,"
	    "\"transport\":null,\"ifname\":null,"
	    "\"local\":null,\"peer\":null,\"uptime\":0,\"attempts\":1,"
	    "\"last_failure\":\"host key \\u001b[31m\",\"last_failure_time\":1700000000,"
	    "\"rx_bytes\":null,\"tx_bytes\":null,\"rtt_ms\":null,\"path\":null,\"path_dev\":null,"
	    "\"path_via\":null,\"blocked\":null}]\n");
	textbuf_free(&out);
}

static void test_json_empty(void **state)
{
	(void)state;
	struct textbuf out = {0};
	status_render_json(&out, NULL, 0);
	assert_string_equal(out.data, "[]\n");
	textbuf_free(&out);
}

static void test_text(void **state)
{
	(void)state;
	struct status_row row = {.name = "office",
	                         .state = "backoff",
	                         .info = {.attempts = 3,
	                                  .last_failure = "ssh: connection refused",
	                                  .last_failure_at = 1700000000,
	                                  .rtt_us = -1}};
	struct textbuf out = {0};
	status_render_text(&out, &row, 1);
	assert_string_equal(out.data,
	                    "office: backoff, attempts 3\n"
	                    "  last failure at 2023-11-14T22:13:20Z: ssh: connection refused\n");
	textbuf_free(&out);
}

/* A peer whose kill switch is held with no link (issue 21): status says why and what lifts it. */
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
	status_render_json(&out, &row, 1);
	assert_non_null(strstr(out.data, ",\"blocked\":\"the daemon restarted; 'sshdial up "
	                                 "office' or 'sshdial unlock office'\"}]"));
	textbuf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_up_and_idle),
	    cmocka_unit_test(test_json_empty),
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_blocked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
