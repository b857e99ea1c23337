#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "frames/codel.h"

#define MS(x) ((uint64_t)(x)*1000000ull)
#define T0 MS(10000) /* the monotonic clock of a machine up for 10 s */
#define BIG 100000   /* bytes queued: a standing queue */

static struct codel *codel5(void)
{
	return codel_new(MS(5), MS(100), 1600);
}

/* The candidate at now waited `waited` ms. */
static enum codel_verdict ask(struct codel *c, uint64_t now, uint64_t waited_ms)
{
	return codel_verdict(c, now, now - MS(waited_ms), BIG, true);
}

/* Puts c in its dropping state with one drop at the returned time. */
static uint64_t first_drop(struct codel *c, uint64_t start)
{
	assert_int_equal(ask(c, start, 10), CODEL_SEND);
	assert_int_equal(ask(c, start + MS(100), 10), CODEL_DROP_LAST);
	return start + MS(100);
}

static void no_drop_below_target(void **state)
{
	(void)state;
	struct codel *c = codel5();
	for (int i = 0; i <= 1000; i++)
		assert_int_equal(ask(c, T0 + MS(i), 4), CODEL_SEND);
	assert_false(codel_dropping(c));
	codel_free(c);
}

static void no_drop_before_a_whole_interval_above_target_then_the_first(void **state)
{
	(void)state;
	struct codel *c = codel5();
	assert_int_equal(ask(c, T0, 10), CODEL_SEND);
	assert_int_equal(ask(c, T0 + MS(50), 10), CODEL_SEND);
	assert_int_equal(ask(c, T0 + MS(99), 10), CODEL_SEND);
	assert_false(codel_dropping(c));
	assert_int_equal(ask(c, T0 + MS(100), 10), CODEL_DROP_LAST);
	assert_true(codel_dropping(c));
	assert_int_equal(codel_count(c), 1);
	codel_free(c);
}

static void a_dip_below_target_restarts_the_interval(void **state)
{
	(void)state;
	struct codel *c = codel5();
	assert_int_equal(ask(c, T0, 10), CODEL_SEND);
	assert_int_equal(ask(c, T0 + MS(60), 1), CODEL_SEND);
	assert_int_equal(ask(c, T0 + MS(70), 10), CODEL_SEND);
	assert_int_equal(ask(c, T0 + MS(120), 10), CODEL_SEND);
	assert_int_equal(ask(c, T0 + MS(170), 10), CODEL_DROP_LAST);
	codel_free(c);
}

static void next_drops_at_interval_over_sqrt_count(void **state)
{
	(void)state;
	struct codel *c = codel5();
	uint64_t t = first_drop(c, T0);
	/* count 1: the next after 100 ms */
	assert_int_equal(ask(c, t + MS(99), 10), CODEL_SEND);
	assert_int_equal(ask(c, t + MS(100), 10), CODEL_DROP);
	assert_int_equal(codel_count(c), 2);
	/* asked again at once about the next frame: not yet */
	assert_int_equal(ask(c, t + MS(100), 10), CODEL_SEND);
	/* count 2: 100 / sqrt(2) = 100 / 1 in integers: at +200 */
	assert_int_equal(ask(c, t + MS(199), 10), CODEL_SEND);
	assert_int_equal(ask(c, t + MS(200), 10), CODEL_DROP);
	/* count 3: +300 */
	assert_int_equal(ask(c, t + MS(299), 10), CODEL_SEND);
	assert_int_equal(ask(c, t + MS(300), 10), CODEL_DROP);
	assert_int_equal(codel_count(c), 4);
	/* count 4: 100 / 2 = 50 ms */
	assert_int_equal(ask(c, t + MS(349), 10), CODEL_SEND);
	assert_int_equal(ask(c, t + MS(350), 10), CODEL_DROP);
	assert_int_equal(ask(c, t + MS(399), 10), CODEL_SEND);
	assert_int_equal(ask(c, t + MS(400), 10), CODEL_DROP);
	assert_int_equal(codel_count(c), 6);
	codel_free(c);
}

static void a_frame_under_target_ends_the_dropping_state(void **state)
{
	(void)state;
	struct codel *c = codel5();
	uint64_t t = first_drop(c, T0);
	assert_int_equal(ask(c, t + MS(50), 2), CODEL_SEND);
	assert_false(codel_dropping(c));
	/* late again: a whole interval before the next drop */
	assert_int_equal(ask(c, t + MS(100), 10), CODEL_SEND);
	assert_int_equal(ask(c, t + MS(150), 10), CODEL_SEND);
	codel_free(c);
}

static void the_count_is_carried_over_when_back_soon(void **state)
{
	(void)state;
	struct codel *c = codel5();
	uint64_t t = first_drop(c, T0);
	for (int i = 1; i <= 4; i++) /* drops 2 to 5, at +100, +200, +300, +350 */
		assert_int_equal(ask(c, t + MS(i < 4 ? 100 * i : 350), 10), CODEL_DROP);
	assert_int_equal(codel_count(c), 5);
	assert_int_equal(ask(c, t + MS(360), 1), CODEL_SEND);
	assert_false(codel_dropping(c));
	/* back within 16 intervals: the count starts at 5 - 2 */
	uint64_t u = first_drop(c, t + MS(500));
	assert_int_equal(codel_count(c), 3);
	/* so the next drop is interval / sqrt(3) = 100 ms on */
	assert_int_equal(ask(c, u + MS(99), 10), CODEL_SEND);
	assert_int_equal(ask(c, u + MS(100), 10), CODEL_DROP);
	codel_free(c);
}

static void the_count_starts_over_after_a_long_pause(void **state)
{
	(void)state;
	struct codel *c = codel5();
	uint64_t t = first_drop(c, T0);
	for (int i = 1; i <= 4; i++)
		assert_int_equal(ask(c, t + MS(i < 4 ? 100 * i : 350), 10), CODEL_DROP);
	assert_int_equal(ask(c, t + MS(360), 1), CODEL_SEND);
	first_drop(c, t + MS(5000));
	assert_int_equal(codel_count(c), 1);
	codel_free(c);
}

static void never_drops_what_may_not_be_dropped(void **state)
{
	(void)state;
	struct codel *c = codel5();
	assert_int_equal(codel_verdict(c, T0, T0 - MS(10), BIG, false), CODEL_SEND);
	assert_int_equal(codel_verdict(c, T0 + MS(100), T0 - MS(10), BIG, false), CODEL_SEND);
	assert_false(codel_dropping(c));
	/* late all along: the first droppable frame goes at once */
	assert_int_equal(codel_verdict(c, T0 + MS(101), T0 + MS(90), BIG, true), CODEL_DROP_LAST);
	/* in the dropping state, a control frame due for a drop is sent */
	assert_int_equal(codel_verdict(c, T0 + MS(201), T0 + MS(190), BIG, false), CODEL_SEND);
	assert_true(codel_dropping(c));
	assert_int_equal(codel_verdict(c, T0 + MS(201), T0 + MS(190), BIG, true), CODEL_DROP);
	codel_free(c);
}

static void a_queue_under_one_frame_is_no_standing_queue(void **state)
{
	(void)state;
	struct codel *c = codel5();
	for (int i = 0; i <= 500; i += 10)
		assert_int_equal(codel_verdict(c, T0 + MS(i), T0 - MS(50), 1600, true), CODEL_SEND);
	assert_false(codel_dropping(c));
	codel_free(c);
}

static void an_empty_queue_ends_the_dropping_state(void **state)
{
	(void)state;
	struct codel *c = codel5();
	first_drop(c, T0);
	codel_empty(c);
	assert_false(codel_dropping(c));
	codel_free(c);
}

static void an_arrival_after_now_is_no_wait(void **state)
{
	(void)state;
	struct codel *c = codel5();
	for (int i = 0; i <= 300; i += 10)
		assert_int_equal(codel_verdict(c, T0 + MS(i), T0 + MS(1000), BIG, true),
		                 CODEL_SEND);
	codel_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(no_drop_below_target),
	    cmocka_unit_test(no_drop_before_a_whole_interval_above_target_then_the_first),
	    cmocka_unit_test(a_dip_below_target_restarts_the_interval),
	    cmocka_unit_test(next_drops_at_interval_over_sqrt_count),
	    cmocka_unit_test(a_frame_under_target_ends_the_dropping_state),
	    cmocka_unit_test(the_count_is_carried_over_when_back_soon),
	    cmocka_unit_test(the_count_starts_over_after_a_long_pause),
	    cmocka_unit_test(never_drops_what_may_not_be_dropped),
	    cmocka_unit_test(a_queue_under_one_frame_is_no_standing_queue),
	    cmocka_unit_test(an_empty_queue_ends_the_dropping_state),
	    cmocka_unit_test(an_arrival_after_now_is_no_wait),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
