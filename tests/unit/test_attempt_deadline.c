#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "link/attempt_deadline.h"

static void first_attempt_gets_the_base(void **state)
{
	(void)state;
	assert_int_equal(attempt_deadline_ms(0), 60000);
}

static void each_missed_deadline_doubles_the_next(void **state)
{
	(void)state;
	assert_int_equal(attempt_deadline_ms(1), 120000);
	assert_int_equal(attempt_deadline_ms(2), 240000);
	assert_int_equal(attempt_deadline_ms(3), 480000);
}

static void never_past_the_cap(void **state)
{
	(void)state;
	/* However long the storm: no overflow, no wrap to a short bound. */
	unsigned missed[] = {4, 5, 31, 32, 33, 1000, 4294967295u};
	for (size_t i = 0; i < sizeof(missed) / sizeof(missed[0]); i++)
		assert_int_equal(attempt_deadline_ms(missed[i]), ATTEMPT_DEADLINE_CAP_MS);
	for (unsigned m = 0; m < 64; m++)
		assert_true(attempt_deadline_ms(m + 1) >= attempt_deadline_ms(m));
}

static void ssh_connect_timeout_grows_with_the_deadline(void **state)
{
	(void)state;
	assert_int_equal(attempt_connect_timeout_s(0), 15); /* ssh_argv's default */
	assert_int_equal(attempt_connect_timeout_s(1), 30);
	assert_int_equal(attempt_connect_timeout_s(2), 60);
	assert_int_equal(attempt_connect_timeout_s(3), 120);
	assert_int_equal(attempt_connect_timeout_s(40), 120);
}

static void pppd_lines_show_the_stages(void **state)
{
	(void)state;
	assert_int_equal(attempt_stage_of_pppd_line("PAP authentication succeeded"),
	                 ATTEMPT_AUTHENTICATED);
	assert_int_equal(attempt_stage_of_pppd_line("CHAP authentication succeeded"),
	                 ATTEMPT_AUTHENTICATED);
	assert_int_equal(attempt_stage_of_pppd_line("local  IP address 192.168.77.2"),
	                 ATTEMPT_ADDRESSED);
	assert_int_equal(attempt_stage_of_pppd_line("remote IP address 192.168.77.1"),
	                 ATTEMPT_ADDRESSED);
	/* Lines that come before the server answers, or say it did not, or only look alike. */
	const char *none[] = {"Using interface ppp0",
	                      "Connect: ppp0 <--> /dev/pts/3",
	                      "LCP: timeout sending Config-Requests",
	                      "PAP authentication failed",
	                      "Remote message: Login ok",
	                      "Peer refused to agree to our IP address",
	                      "local IP address 192.168.77.2",
	                      "xPAP authentication succeeded",
	                      "PAP authentication succeeded!",
	                      ""};
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		assert_int_equal(attempt_stage_of_pppd_line(none[i]), ATTEMPT_DIALED);
}

/* The measured case (docs/performance.md): the addresses came at 59.4 s of a 60 s
 * deadline, ip-up's work was still to do when the deadline fired. */
static void progress_just_before_the_deadline_extends_it(void **state)
{
	(void)state;
	struct attempt_progress p = {0};
	attempt_progress_note(&p, ATTEMPT_AUTHENTICATED, 58000);
	attempt_progress_note(&p, ATTEMPT_ADDRESSED, 59400);
	assert_int_equal(attempt_deadline_extension_ms(&p, 60000, 60000), 15000);
}

static void an_attempt_that_shows_nothing_ends(void **state)
{
	(void)state;
	struct attempt_progress p = {0};
	attempt_progress_note(&p, ATTEMPT_DIALED, 59000); /* a line that shows no stage */
	assert_int_equal(attempt_deadline_extension_ms(&p, 60000, 60000), 0);
}

static void progress_long_ago_does_not_extend(void **state)
{
	(void)state;
	struct attempt_progress p = {0};
	attempt_progress_note(&p, ATTEMPT_AUTHENTICATED, 44000); /* 16 s before, window 15 */
	assert_int_equal(attempt_deadline_extension_ms(&p, 60000, 60000), 0);
	p = (struct attempt_progress){0};
	attempt_progress_note(&p, ATTEMPT_AUTHENTICATED, 45000); /* at the window's edge */
	assert_int_equal(attempt_deadline_extension_ms(&p, 60000, 60000), 15000);
}

/* An extension needs a new stage within it: one reached again, or an earlier one, is no
 * progress, and a stalled attempt ends at the end of its extension. */
static void a_stall_ends_after_the_extension(void **state)
{
	(void)state;
	struct attempt_progress p = {0};
	attempt_progress_note(&p, ATTEMPT_AUTHENTICATED, 50000);
	assert_int_equal(attempt_deadline_extension_ms(&p, 60000, 60000), 15000);
	attempt_progress_note(&p, ATTEMPT_AUTHENTICATED, 70000);
	attempt_progress_note(&p, ATTEMPT_DIALED, 71000);
	assert_int_equal(attempt_deadline_extension_ms(&p, 60000, 75000), 0);
}

static void extensions_are_capped(void **state)
{
	(void)state;
	struct attempt_progress p = {0};
	attempt_progress_note(&p, ATTEMPT_AUTHENTICATED, 100000);
	assert_int_equal(attempt_deadline_extension_ms(&p, 120000, 120000), 30000);
	attempt_progress_note(&p, ATTEMPT_ADDRESSED, 149000);
	assert_int_equal(attempt_deadline_extension_ms(&p, 120000, 150000), 30000);
	/* However it goes on, it is ended at 1.5 times its deadline. */
	p = (struct attempt_progress){.stage = ATTEMPT_ADDRESSED,
	                              .stage_at_ms = 179000,
	                              .extensions = ATTEMPT_EXTENSIONS_MAX};
	assert_int_equal(attempt_deadline_extension_ms(&p, 120000, 180000), 0);
	assert_int_equal(ATTEMPT_EXTENSIONS_MAX, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(first_attempt_gets_the_base),
	    cmocka_unit_test(each_missed_deadline_doubles_the_next),
	    cmocka_unit_test(never_past_the_cap),
	    cmocka_unit_test(ssh_connect_timeout_grows_with_the_deadline),
	    cmocka_unit_test(pppd_lines_show_the_stages),
	    cmocka_unit_test(progress_just_before_the_deadline_extends_it),
	    cmocka_unit_test(an_attempt_that_shows_nothing_ends),
	    cmocka_unit_test(progress_long_ago_does_not_extend),
	    cmocka_unit_test(a_stall_ends_after_the_extension),
	    cmocka_unit_test(extensions_are_capped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
