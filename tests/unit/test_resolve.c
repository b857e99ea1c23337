/* Name resolution off the loop: the child's answer on the pipe (encode, decode), and the
 * loop itself: it keeps running while the child looks up, and a lookup that hangs ends at
 * the timeout with a clear message. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/event.h"
#include "net/resolve.h"

static void add(struct resolve_result *r, int family, const char *text)
{
	unsigned char b[16];
	assert_int_equal(inet_pton(family, text, b), 1);
	assert_int_equal(net_addr_set(&r->addrs[r->n++], family, b, family == AF_INET ? 4 : 16), 0);
	r->ok = true;
}

static void decode_text(const char *text, struct resolve_result *out)
{
	resolve_decode(text, strlen(text), "gw.example.org", out);
}

static void addresses_round_trip_in_order(void **state)
{
	(void)state;
	struct resolve_result in = {0}, out;
	add(&in, AF_INET6, "2001:db8::7");
	add(&in, AF_INET, "192.0.2.10");
	char buf[RESOLVE_WIRE_MAX];
	size_t len = resolve_encode(&in, buf, sizeof(buf));
	assert_int_equal(len, strlen("addr 2001:db8::7\naddr 192.0.2.10\nend\n"));
	assert_memory_equal(buf, "addr 2001:db8::7\naddr 192.0.2.10\nend\n", len);
	resolve_decode(buf, len, "gw.example.org", &out);
	assert_true(out.ok);
	assert_int_equal(out.n, 2);
	assert_true(net_addr_equal(&out.addrs[0], &in.addrs[0]));
	assert_true(net_addr_equal(&out.addrs[1], &in.addrs[1]));
}

static void a_missing_name_reads_like_ssh(void **state)
{
	(void)state;
	struct resolve_result in = {0}, out;
	snprintf(in.error, sizeof(in.error), "Name or service not known\nforged line");
	char buf[RESOLVE_WIRE_MAX];
	size_t len = resolve_encode(&in, buf, sizeof(buf));
	assert_true(len > 0);
	resolve_decode(buf, len, "nosuch.example.org", &out);
	assert_false(out.ok);
	assert_string_equal(out.error, "Could not resolve hostname nosuch.example.org: Name or "
	                               "service not known forged line");
}

static void anything_but_a_whole_answer_fails(void **state)
{
	(void)state;
	const char *bad[] = {
	    "",                                /* the child died before writing */
	    "addr 192.0.2.1\n",                /* killed half-way: no end */
	    "addr 192.0.2.1\nend",             /* no newline after end */
	    "end\n",                           /* no address at all */
	    "addr 192.0.2.300\nend\n",         /* not an address */
	    "addr 192.0.2.1\nend\naddr ::1\n", /* more after the answer */
	    "addr 192.0.2.1\nerror oops\n",    /* both */
	    "hello\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct resolve_result out;
		decode_text(bad[i], &out);
		assert_false(out.ok);
		assert_int_equal(out.n, 0);
		assert_string_equal(out.error, "cannot resolve gw.example.org: the resolver "
		                               "process ended without an answer");
	}
	struct resolve_result out;
	char nul[] = "addr 192.0.2.1\nend\n";
	nul[4] = 0;
	resolve_decode(nul, sizeof(nul) - 1, "h", &out);
	assert_false(out.ok);
}

static void at_most_the_limit_of_addresses(void **state)
{
	(void)state;
	char text[RESOLVE_WIRE_MAX] = "";
	for (int i = 0; i <= RESOLVE_MAX_ADDRS; i++) {
		char line[32];
		snprintf(line, sizeof(line), "addr 192.0.2.%d\n", i + 1);
		strcat(text, line);
	}
	strcat(text, "end\n");
	struct resolve_result out;
	decode_text(text, &out);
	assert_false(out.ok);
}

/* ---- through a real child and the loop ---- */

struct run {
	struct event_loop *loop;
	struct resolve_result got;
	bool done;
	bool ticked_before_done;
	bool ticked;
	struct timespec t0;
	double elapsed;
};

static double since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void on_result(void *arg, const struct resolve_result *r)
{
	struct run *run = arg;
	run->got = *r;
	run->done = true;
	run->elapsed = since(&run->t0);
	run->ticked_before_done = run->ticked;
	event_loop_exit(run->loop, 0);
}

static void on_tick(void *arg)
{
	struct run *run = arg;
	run->ticked = true;
}

/* Bounds for a loaded machine: a lookup that should succeed may take this long, and the
 * guard ends a run that never got an answer.  The tests check outcomes and that nothing
 * ends early, not how fast a busy machine forked and ran the child. */
#define SLOW_OK_MS 15000
#define GUARD_MS 20000

static void on_guard(void *arg)
{
	struct run *run = arg;
	event_loop_exit(run->loop, 99); /* the resolver never answered */
}

static void lookup_slow(const char *host, struct resolve_result *out)
{
	(void)host;
	usleep(300 * 1000);
	add(out, AF_INET, "192.0.2.44");
}

static void lookup_hangs(const char *host, struct resolve_result *out)
{
	(void)host;
	(void)out;
	for (;;)
		pause();
}

static int run_resolver(struct run *run, unsigned timeout_ms, resolve_lookup_fn lookup)
{
	run->loop = event_loop_new();
	assert_non_null(run->loop);
	clock_gettime(CLOCK_MONOTONIC, &run->t0);
	assert_non_null(resolve_start_with(run->loop, "slow.example", RESOLVE_AS_CALLER, timeout_ms,
	                                   lookup, on_result, run));
	event_timer_set(run->loop, 50, on_tick, run);
	event_timer_set(run->loop, GUARD_MS, on_guard, run);
	int status = event_loop_run(run->loop);
	event_loop_free(run->loop);
	return status;
}

static void the_loop_runs_while_the_child_looks_up(void **state)
{
	(void)state;
	struct run run = {0};
	assert_int_equal(run_resolver(&run, SLOW_OK_MS, lookup_slow), 0);
	assert_true(run.got.ok);
	assert_int_equal(run.got.n, 1);
	assert_true(run.ticked_before_done); /* the 50 ms timer fired during the lookup */
	assert_true(run.elapsed >= 0.25);
}

static void a_hanging_lookup_ends_at_the_timeout(void **state)
{
	(void)state;
	struct run run = {0};
	assert_int_equal(run_resolver(&run, 700, lookup_hangs), 0);
	assert_true(run.done);
	assert_false(run.got.ok);
	assert_string_equal(run.got.error, "cannot resolve slow.example within 1 s");
	assert_true(run.ticked_before_done);
	assert_true(run.elapsed >= 0.65 && run.elapsed < GUARD_MS / 1000.0);
	/* the child was killed and reaped: nothing is left behind */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
}

/* Answers with the lookup's uid as an address, 10.0.HI.LO. */
static void lookup_uid(const char *host, struct resolve_result *out)
{
	(void)host;
	char a[32];
	snprintf(a, sizeof(a), "10.0.%u.%u", (unsigned)(getuid() >> 8) & 255,
	         (unsigned)getuid() & 255);
	add(out, AF_INET, a);
}

static int run_as(struct run *run, const char *host, uid_t uid)
{
	run->loop = event_loop_new();
	assert_non_null(run->loop);
	assert_non_null(
	    resolve_start_with(run->loop, host, uid, SLOW_OK_MS, lookup_uid, on_result, run));
	event_timer_set(run->loop, GUARD_MS, on_guard, run);
	int status = event_loop_run(run->loop);
	event_loop_free(run->loop);
	return status;
}

/* The lookup runs as the account asked for, or says why it cannot. */
static void a_lookup_as_another_account(void **state)
{
	(void)state;
	struct run run = {0};
	assert_int_equal(run_as(&run, "localhost", (uid_t)4000000000u), 0);
	assert_false(run.got.ok);
	assert_string_equal(run.got.error, "Could not resolve hostname localhost: cannot run the "
	                                   "lookup as uid 4000000000: no such account");

	struct run nobody = {0};
	assert_int_equal(run_as(&nobody, "localhost", 65534), 0);
	if (geteuid() == 0) {
		assert_true(nobody.got.ok); /* the child became nobody, and looked up as nobody */
		char a[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET, &nobody.got.addrs[0].u, a, sizeof(a));
		assert_string_equal(a, "10.0.255.254");
	} else {
		assert_false(nobody.got.ok);
		assert_non_null(strstr(nobody.got.error, "cannot run the lookup as uid 65534: "));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(addresses_round_trip_in_order),
	    cmocka_unit_test(a_missing_name_reads_like_ssh),
	    cmocka_unit_test(anything_but_a_whole_answer_fails),
	    cmocka_unit_test(at_most_the_limit_of_addresses),
	    cmocka_unit_test(the_loop_runs_while_the_child_looks_up),
	    cmocka_unit_test(a_hanging_lookup_ends_at_the_timeout),
	    cmocka_unit_test(a_lookup_as_another_account),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
