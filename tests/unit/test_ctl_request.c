#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ctl/ctl_request.h"
#include "lib/textbuf.h"

static int parse(const char *s, struct ctl_request *rq, char *why)
{
	return ctl_request_parse(s, strlen(s), rq, why, 128);
}

static void test_accepted(void **state)
{
	(void)state;
	struct ctl_request rq;
	char why[128];
	assert_int_equal(parse("up office", &rq, why), 0);
	assert_int_equal(rq.verb, CTL_UP);
	assert_string_equal(rq.peer, "office");
	assert_int_equal(parse("status", &rq, why), 0);
	assert_int_equal(rq.verb, CTL_STATUS);
	assert_false(rq.json);
	assert_string_equal(rq.peer, "");
	assert_int_equal(parse("status +json a-b", &rq, why), 0);
	assert_true(rq.json);
	assert_string_equal(rq.peer, "a-b");
	assert_int_equal(parse("reload", &rq, why), 0);
	assert_int_equal(rq.verb, CTL_RELOAD);
}

static void refused(const char *s, const char *reason)
{
	struct ctl_request rq;
	char why[128] = "";
	assert_int_equal(parse(s, &rq, why), -1);
	assert_non_null(strstr(why, reason));
}

static void test_refused(void **state)
{
	(void)state;
	refused("", "unknown command");
	refused("launch office", "unknown command");
	refused("up", "needs a peer name");
	refused("down ", "empty word");
	refused("up  office", "empty word");
	refused("up office extra", "unexpected word");
	refused("up +json office", "status only");
	refused("up ../etc", "not a valid peer name");
	refused("up .hidden", "not a valid peer name");
	refused("up abcdefghijklmnopqrstuvwxyz0123456", "too long");
	refused("reload office", "no peer name");
	refused("up off\x01ice", "not printable ASCII");
	refused("up off\xc3\xa9", "not printable ASCII");
	char big[CTL_REQUEST_MAX + 10];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	refused(big, "too long");
}

static void test_format_round_trip(void **state)
{
	(void)state;
	struct ctl_request rq = {.verb = CTL_STATUS, .json = true}, again;
	strcpy(rq.peer, "office");
	char line[CTL_REQUEST_MAX + 2], why[128];
	int n = ctl_request_format(&rq, line, sizeof(line));
	assert_string_equal(line, "status +json office\n");
	assert_int_equal(ctl_request_parse(line, (size_t)n - 1, &again, why, sizeof(why)), 0);
	assert_true(again.json);
	strcpy(rq.peer, "a/b");
	assert_int_equal(ctl_request_format(&rq, line, sizeof(line)), -1);
}

static void test_reply_head(void **state)
{
	(void)state;
	enum ctl_status st;
	assert_int_equal(ctl_reply_head_parse("status ok", 9, &st), 0);
	assert_int_equal(st, CTL_OK);
	assert_int_equal(ctl_reply_head_parse("status permanent", 16, &st), 0);
	assert_int_equal(st, CTL_PERMANENT);
	assert_int_equal(ctl_reply_head_parse("status okay", 11, &st), -1);
	assert_int_equal(ctl_reply_head_parse("ok", 2, &st), -1);
}

static void test_json_string(void **state)
{
	(void)state;
	struct textbuf b = {0};
	textbuf_json_string(&b, "a\"b\\c\n\x1b\xc3");
	assert_string_equal(b.data, "\"a\\\"b\\\\c\\u000a\\u001b\\u00c3\"");
	textbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepted),          cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_format_round_trip), cmocka_unit_test(test_reply_head),
	    cmocka_unit_test(test_json_string),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
