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

static void pppd_lines_show_the_steps(void **state)
{
	(void)state;
	assert_int_equal(attempt_step_of_pppd_line("PAP authentication succeeded"),
	                 ATTEMPT_AUTHENTICATED);
	assert_int_equal(attempt_step_of_pppd_line("CHAP authentication succeeded"),
	                 ATTEMPT_AUTHENTICATED);
	assert_int_equal(attempt_step_of_pppd_line("local  IP address 192.168.77.2"),
	                 ATTEMPT_IPCP_UP);
	assert_int_equal(attempt_step_of_pppd_line("remote IP address 192.168.77.1"),
	                 ATTEMPT_IPCP_UP);
	assert_int_equal(attempt_step_of_pppd_line("local  LL address fe80::944d:6b3c:3069:933c"),
	                 ATTEMPT_IPV6CP_UP);
	assert_int_equal(attempt_step_of_pppd_line("remote LL address fe80::d17d:3078:2fe9:78f2"),
	                 ATTEMPT_IPV6CP_UP);
	/* Lines that come before the server answers, or say it did not, or only look alike. */
	const char *none[] = {"Using interface ppp0",
	                      "Connect: ppp0 <--> /dev/pts/3",
	                      "LCP: timeout sending Config-Requests",
	                      "PAP authentication failed",
	                      "Remote message: Login ok",
	                      "Peer refused to agree to our IP address",
	                      "Could not determine local LL address",
	                      "local IP address 192.168.77.2",
	                      "xPAP authentication succeeded",
	                      "PAP authentication succeeded!",
	                      ""};
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		assert_int_equal(attempt_step_of_pppd_line(none[i]), ATTEMPT_NO_STEP);
}

/* Measured (bench/serve-scale, docs/performance.md): IPv6CP came up 2.7 s before the
 * 60 s deadline fired late, at 61.7 s, and IPCP 5 s after it; the attempt was ended and
 * its link came up 100 s later on the next. */
static void progress_just_before_the_deadline_extends_it(void **state)
{
	(void)state;
	struct attempt_progress p = {0};
	attempt_progress_note(&p, ATTEMPT_IPV6CP_UP, 59000);
	assert_int_equal(attempt_deadline_extension_ms(&p, 60000, 61700), 15000);
	attempt_progress_note(&p, ATTEMPT_IPCP_UP, 66700);
	assert_int_equal(attempt_deadline_extension_ms(&p, 60000, 76700), 15000);
}

static void an_attempt_that_shows_nothing_ends(void **state)
{
	(void)state;
	struct attempt_progress p = {0};
	attempt_progress_note(&p, ATTEMPT_NO_STEP, 59000); /* a line that shows no step */
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

/* An extension needs a new step within it: one done again (pppd says "local" and then
 * "remote") is no progress, and a stalled attempt ends at the end of its extension. */
static void a_stall_ends_after_the_extension(void **state)
{
	(void)state;
	struct attempt_progress p = {0};
	attempt_progress_note(&p, ATTEMPT_AUTHENTICATED, 50000);
	assert_int_equal(attempt_deadline_extension_ms(&p, 60000, 60000), 15000);
	attempt_progress_note(&p, ATTEMPT_AUTHENTICATED, 70000);
	attempt_progress_note(&p, ATTEMPT_NO_STEP, 71000);
	assert_int_equal(attempt_deadline_extension_ms(&p, 60000, 75000), 0);
}

static void extensions_are_capped(void **state)
{
	(void)state;
	struct attempt_progress p = {0};
	attempt_progress_note(&p, ATTEMPT_AUTHENTICATED, 100000);
	assert_int_equal(attempt_deadline_extension_ms(&p, 120000, 120000), 30000);
	attempt_progress_note(&p, ATTEMPT_IPV6CP_UP, 149000);
	assert_int_equal(attempt_deadline_extension_ms(&p, 120000, 150000), 30000);
	/* A third new step came in the second extension: still ended, at 1.5 times the
	 * deadline. */
	attempt_progress_note(&p, ATTEMPT_IPCP_UP, 179000);
	assert_int_equal(attempt_deadline_extension_ms(&p, 120000, 180000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(first_attempt_gets_the_base),
	    cmocka_unit_test(each_missed_deadline_doubles_the_next),
	    cmocka_unit_test(never_past_the_cap),
	    cmocka_unit_test(ssh_connect_timeout_grows_with_the_deadline),
	    cmocka_unit_test(pppd_lines_show_the_steps),
	    cmocka_unit_test(progress_just_before_the_deadline_extends_it),
	    cmocka_unit_test(an_attempt_that_shows_nothing_ends),
	    cmocka_unit_test(progress_long_ago_does_not_extend),
	    cmocka_unit_test(a_stall_ends_after_the_extension),
	    cmocka_unit_test(extensions_are_capped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
