/* Taking over a dead run's kill switch (netconf/adopt.h): which stale changes are kept, and the
 * order that replaces them: keep what is asked for again, add the rest, and only then
 * remove what nobody asked for.  Never delete-then-add. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include <linux/fib_rules.h>

#include "netconf/adopt.h"

static struct journal_entry uid_rule(enum journal_scope scope, uint32_t prio, uint32_t uid)
{
	struct journal_entry e = {.kind = JOURNAL_RULE, .scope = scope};
	e.u.rule = (struct change_rule){.family = AF_INET,
	                                .priority = prio,
	                                .action = FR_ACT_TO_TBL,
	                                .table = 254,
	                                .has_uidrange = true,
	                                .uid_start = uid,
	                                .uid_end = uid};
	return e;
}

static struct journal_entry unreach(enum journal_scope scope, int family)
{
	struct journal_entry e = {.kind = JOURNAL_UNREACH, .scope = scope};
	e.dst.family = family;
	e.u.route.protocol = 83;
	e.u.route.table = 83;
	e.u.route.metric = 4278190080u;
	return e;
}

static struct journal_entry table_route(enum journal_scope scope)
{
	struct journal_entry e = {.kind = JOURNAL_ROUTE, .scope = scope, .ifindex = 7};
	strcpy(e.ifname, "ppp0");
	e.dst.family = AF_INET;
	e.u.route.protocol = 83;
	e.u.route.table = 83;
	e.u.route.metric = 100;
	return e;
}

/* No removal before the last addition: the block is never thinner than either kill switch. */
static void assert_adds_before_removes(const struct adopt_step *s, size_t n)
{
	bool removed = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i].op == ADOPT_REMOVE)
			removed = true;
		else
			assert_false(removed);
	}
}

static void test_only_the_session_scope_is_kept(void **state)
{
	(void)state;
	struct journal_entry ks = uid_rule(JOURNAL_SESSION, 8300, 1000);
	struct journal_entry route = table_route(JOURNAL_ATTEMPT);
	struct journal_entry u = unreach(JOURNAL_SESSION, AF_INET6);

	assert_true(adopt_keeps(&ks));
	assert_true(adopt_keeps(&u));
	assert_false(adopt_keeps(&route)); /* the dead link's route: undone at once */
}

static void test_the_same_kill_switch_is_kept_whole(void **state)
{
	(void)state;
	struct journal_entry old[] = {uid_rule(JOURNAL_SESSION, 8300, 1000),
	                              unreach(JOURNAL_SESSION, AF_INET),
	                              uid_rule(JOURNAL_SESSION, 8301, 1000)};
	struct journal_entry want[] = {uid_rule(JOURNAL_SESSION, 8300, 1000),
	                               uid_rule(JOURNAL_SESSION, 8301, 1000),
	                               unreach(JOURNAL_SESSION, AF_INET)};
	struct adopt_step s[6];
	size_t n = adopt_plan(old, 3, want, 3, s);

	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(s[i].op, ADOPT_KEEP);
	assert_int_equal(s[0].of, 0);
	assert_int_equal(s[1].of, 2);
	assert_int_equal(s[2].of, 1);
}

static void test_a_changed_rule_is_added_before_the_old_goes(void **state)
{
	(void)state;
	/* local-user changed between the runs: its rules differ, the unreachable does not. */
	struct journal_entry old[] = {uid_rule(JOURNAL_SESSION, 8300, 1000),
	                              uid_rule(JOURNAL_SESSION, 8301, 1000),
	                              unreach(JOURNAL_SESSION, AF_INET)};
	struct journal_entry want[] = {uid_rule(JOURNAL_SESSION, 8300, 1001),
	                               uid_rule(JOURNAL_SESSION, 8301, 1001),
	                               unreach(JOURNAL_SESSION, AF_INET)};
	struct adopt_step s[6];
	size_t n = adopt_plan(old, 3, want, 3, s);

	assert_int_equal(n, 5);
	assert_int_equal(s[0].op, ADOPT_ADD);
	assert_int_equal(s[0].index, 0);
	assert_int_equal(s[1].op, ADOPT_ADD);
	assert_int_equal(s[2].op, ADOPT_KEEP);
	assert_int_equal(s[2].of, 2);
	/* Then the old rules, newest first. */
	assert_int_equal(s[3].op, ADOPT_REMOVE);
	assert_int_equal(s[3].index, 1);
	assert_int_equal(s[4].op, ADOPT_REMOVE);
	assert_int_equal(s[4].index, 0);
	assert_adds_before_removes(s, n);
}

static void test_no_kill_switch_now_removes_the_old(void **state)
{
	(void)state;
	struct journal_entry old[] = {uid_rule(JOURNAL_SESSION, 8300, 1000),
	                              unreach(JOURNAL_SESSION, AF_INET)};
	struct adopt_step s[2];
	size_t n = adopt_plan(old, 2, NULL, 0, s);

	assert_int_equal(n, 2);
	assert_int_equal(s[0].op, ADOPT_REMOVE);
	assert_int_equal(s[0].index, 1);
	assert_int_equal(s[1].op, ADOPT_REMOVE);
	assert_int_equal(s[1].index, 0);
}

static void test_the_scope_does_not_tell_changes_apart(void **state)
{
	(void)state;
	struct journal_entry old[] = {uid_rule(JOURNAL_SESSION, 8300, 1000)};
	struct journal_entry want = uid_rule(JOURNAL_ATTEMPT, 8300, 1000);
	bool claimed[1] = {false};

	assert_int_equal(adopt_find(old, claimed, 1, &want), 0);
	claimed[0] = true;
	assert_int_equal(adopt_find(old, claimed, 1, &want), -1); /* claimed once only */
}

static void test_a_duplicate_is_claimed_once(void **state)
{
	(void)state;
	struct journal_entry old[] = {unreach(JOURNAL_SESSION, AF_INET),
	                              unreach(JOURNAL_SESSION, AF_INET)};
	struct journal_entry want[] = {unreach(JOURNAL_SESSION, AF_INET),
	                               unreach(JOURNAL_SESSION, AF_INET6)};
	struct adopt_step s[4];
	size_t n = adopt_plan(old, 2, want, 2, s);

	assert_int_equal(n, 3);
	assert_int_equal(s[0].op, ADOPT_KEEP);
	assert_int_equal(s[0].of, 0);
	assert_int_equal(s[1].op, ADOPT_ADD);
	assert_int_equal(s[2].op, ADOPT_REMOVE);
	assert_int_equal(s[2].index, 1);
	assert_adds_before_removes(s, n);
}

static void test_nothing_old_is_all_adds(void **state)
{
	(void)state;
	struct journal_entry want[] = {uid_rule(JOURNAL_SESSION, 8300, 1000),
	                               unreach(JOURNAL_SESSION, AF_INET)};
	struct adopt_step s[2];
	size_t n = adopt_plan(NULL, 0, want, 2, s);

	assert_int_equal(n, 2);
	assert_int_equal(s[0].op, ADOPT_ADD);
	assert_int_equal(s[1].op, ADOPT_ADD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_only_the_session_scope_is_kept),
	    cmocka_unit_test(test_the_same_kill_switch_is_kept_whole),
	    cmocka_unit_test(test_a_changed_rule_is_added_before_the_old_goes),
	    cmocka_unit_test(test_no_kill_switch_now_removes_the_old),
	    cmocka_unit_test(test_the_scope_does_not_tell_changes_apart),
	    cmocka_unit_test(test_a_duplicate_is_claimed_once),
	    cmocka_unit_test(test_nothing_old_is_all_adds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
