/* The control socket's slots: a status group member flooding connections keeps to its
 * uid's share, members together leave root a reserve, and root gets a slot until every
 * slot is taken. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include "daemon/ctl_slots.h"

/* Connections from uid 1000 until it is refused: how many it got. */
static unsigned flood(unsigned open, unsigned non_root)
{
	unsigned mine = 0;
	while (ctl_slots_admit(open + mine, non_root + mine, mine, false))
		mine++;
	return mine;
}

static void a_member_keeps_to_its_share(void **state)
{
	(void)state;
	assert_int_equal(flood(0, 0), CTL_SLOTS_PER_UID);
	/* root still gets in after the flood, many times over */
	for (unsigned r = 0; r < CTL_SLOTS_MAX - CTL_SLOTS_PER_UID; r++)
		assert_true(ctl_slots_admit(CTL_SLOTS_PER_UID + r, CTL_SLOTS_PER_UID, r, true));
}

static void members_together_leave_roots_reserve(void **state)
{
	(void)state;
	unsigned open = 0;
	for (unsigned uid = 0; uid < 20; uid++)
		open += flood(open, open); /* every connection so far is a member's */
	assert_int_equal(open, CTL_SLOTS_MAX - CTL_SLOTS_ROOT);
	for (unsigned r = 0; r < CTL_SLOTS_ROOT; r++)
		assert_true(ctl_slots_admit(open + r, open, r, true));
	/* every slot taken: not even root */
	assert_false(ctl_slots_admit(CTL_SLOTS_MAX, open, CTL_SLOTS_ROOT, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_member_keeps_to_its_share),
	    cmocka_unit_test(members_together_leave_roots_reserve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
