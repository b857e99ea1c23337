/* transport auto: which transport an attempt dials (link/transport.h), and where pppd
 * loads its plugins from (link/pppd_plugin.h), both pure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "link/pppd_plugin.h"
#include "link/transport.h"

static enum dial_transport choose(enum peer_transport t, bool plugin, bool refused, char *why,
                                  size_t len)
{
	const struct transport_facts f = {.transport = t,
	                                  .plugin = plugin,
	                                  .plugin_why = plugin ? NULL : "pppd's plugin x: gone",
	                                  .refused = refused};
	return transport_choose(&f, why, len);
}

/* pty and frames as written, whatever the facts: frames never falls back. */
static void test_explicit(void **state)
{
	(void)state;
	char why[100];
	for (int plugin = 0; plugin < 2; plugin++)
		for (int refused = 0; refused < 2; refused++) {
			assert_int_equal(choose(TRANSPORT_PTY, plugin, refused, why, sizeof(why)),
			                 DIAL_PTY);
			assert_string_equal(why, "");
			assert_int_equal(
			    choose(TRANSPORT_FRAMES, plugin, refused, why, sizeof(why)),
			    DIAL_FRAMES);
			assert_string_equal(why, "");
		}
}

/* auto: frames (the pty if the kernel cannot make the channel) when pppd has the plugin
 * and the server has not refused; the pty otherwise, saying why only for the plugin. */
static void test_auto(void **state)
{
	(void)state;
	char why[100];
	assert_int_equal(choose(TRANSPORT_AUTO, true, false, why, sizeof(why)), DIAL_FRAMES_OR_PTY);
	assert_string_equal(why, "");
	assert_int_equal(choose(TRANSPORT_AUTO, true, true, why, sizeof(why)), DIAL_PTY);
	assert_string_equal(why, "");
	assert_int_equal(choose(TRANSPORT_AUTO, false, false, why, sizeof(why)), DIAL_PTY);
	assert_string_equal(why, "pppd's plugin x: gone");
	assert_int_equal(choose(TRANSPORT_AUTO, false, true, why, sizeof(why)), DIAL_PTY);
	assert_string_equal(why, "");
}

/* pppd's compiled-in plugin directory: a whole string, base and version. */
static void test_plugin_dir(void **state)
{
	(void)state;
	char dir[64];
	static const char bin[] = "\x7f"
	                          "ELF\0/usr/lib/pppd/x\0xx/usr/lib/pppd/2.4.8\0"
	                          "/usr/lib/pppd/\0/usr/lib/pppd/2.4.9\0/usr/lib/pppd/2.5.0\0";
	/* Not after a NUL, or no version, or not digits: skipped; the first good one wins. */
	assert_true(pppd_plugin_dir_in(bin, sizeof(bin) - 1, dir, sizeof(dir)));
	assert_string_equal(dir, "/usr/lib/pppd/2.4.9");
	static const char none[] = "pppd\0/usr/lib/pppd/2.4.9"; /* no NUL after it */
	assert_false(pppd_plugin_dir_in(none, sizeof(none) - 1, dir, sizeof(dir)));
	assert_false(pppd_plugin_dir_in("", 0, dir, sizeof(dir)));
	char small[8];
	assert_false(pppd_plugin_dir_in(bin, sizeof(bin) - 1, small, sizeof(small)));
	static const char first[] = "/usr/lib/pppd/2.4.9\0";
	assert_true(pppd_plugin_dir_in(first, sizeof(first) - 1, dir, sizeof(dir)));
	assert_string_equal(dir, "/usr/lib/pppd/2.4.9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_explicit),
	    cmocka_unit_test(test_auto),
	    cmocka_unit_test(test_plugin_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
