/* transport auto: which transport an attempt dials (link/transport.h), and where pppd
 * loads its plugins from (link/pppd_plugin.h), both pure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "lib/err.h"
#include "link/pppd_plugin.h"
#include "link/transport.h"
#include "tmpdir.h"

static enum dial_transport choose(enum peer_transport t, bool plugin, bool refused, char *why,
                                  size_t len)
{
	struct err gone, e;
	err_set(&gone, NULL, NULL, "pppd's plugin x: gone");
	const struct transport_facts f = {.transport = t,
	                                  .plugin = plugin,
	                                  .plugin_why = plugin ? NULL : &gone,
	                                  .refused = refused};
	enum dial_transport chosen = transport_choose(&f, &e);
	err_format(&e, why, len);
	return chosen;
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

/* Writes len bytes of bin to path: in place (the same inode) or as a new file renamed over
 * it; then sets its modification time to mtime (tv_nsec UTIME_OMIT: leaves it). */
static void put_binary(const char *path, const char *bin, size_t len, bool in_place,
                       struct timespec mtime)
{
	char tmp[300];
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	int fd = open(in_place ? path : tmp, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bin, len), (ssize_t)len);
	const struct timespec times[2] = {{.tv_nsec = UTIME_OMIT}, mtime};
	assert_int_equal(futimens(fd, times), 0);
	assert_int_equal(close(fd), 0);
	if (!in_place)
		assert_int_equal(rename(tmp, path), 0);
}

static const char *dir_of(const char *pppd)
{
	static char dir[64];
	struct err e;
	if (pppd_plugin_dir_of(pppd, dir, sizeof(dir), &e) < 0)
		snprintf(dir, sizeof(dir), "error");
	return dir;
}

/* The binary is read once per process while it stays the same file: a rewrite that keeps
 * device, inode, size and modification time is not seen (the answer is cached); a new
 * modification time, a new inode (an upgrade renames a new file over it) or a new size is,
 * and another path is its own question. */
static void test_plugin_dir_cache(void **state)
{
	(void)state;
	char *tmp = tmpdir_new();
	char path[300], other[300];
	snprintf(path, sizeof(path), "%s/pppd", tmp);
	snprintf(other, sizeof(other), "%s/pppd2", tmp);
	static const char v249[] = "\x7f"
	                           "ELF\0/usr/lib/pppd/2.4.9\0rest";
	static const char v251[] = "\x7f"
	                           "ELF\0/usr/lib/pppd/2.5.1\0rest";
	static const char v2510[] = "\x7f"
	                            "ELF\0/usr/lib/pppd/2.5.10\0rest";
	static const char none[] = "\x7f"
	                           "ELF\0no directory\0rest";
	const struct timespec t1 = {.tv_sec = 1000000000}, t2 = {.tv_sec = 1000000001};

	put_binary(path, v249, sizeof(v249) - 1, false, t1);
	assert_string_equal(dir_of(path), "/usr/lib/pppd/2.4.9");
	/* Same inode, size and time: the cached answer, the file not read. */
	put_binary(path, v251, sizeof(v251) - 1, true, t1);
	assert_string_equal(dir_of(path), "/usr/lib/pppd/2.4.9");
	/* A new modification time: read again. */
	put_binary(path, v251, sizeof(v251) - 1, true, t2);
	assert_string_equal(dir_of(path), "/usr/lib/pppd/2.5.1");
	/* A new inode (renamed over), same size and time: read again. */
	put_binary(path, v249, sizeof(v249) - 1, false, t2);
	assert_string_equal(dir_of(path), "/usr/lib/pppd/2.4.9");
	/* A new size, same inode and time: read again. */
	put_binary(path, v2510, sizeof(v2510) - 1, true, t2);
	assert_string_equal(dir_of(path), "/usr/lib/pppd/2.5.10");
	/* Another path: its own answer, and the first one's is read again after it. */
	put_binary(other, v251, sizeof(v251) - 1, false, t2);
	assert_string_equal(dir_of(other), "/usr/lib/pppd/2.5.1");
	assert_string_equal(dir_of(path), "/usr/lib/pppd/2.5.10");

	/* No directory in the binary, and no binary: why, with the path. */
	char dir[64], why[300];
	struct err e;
	put_binary(path, none, sizeof(none) - 1, false, t1);
	assert_int_equal(pppd_plugin_dir_of(path, dir, sizeof(dir), &e), -1);
	err_format(&e, why, sizeof(why));
	assert_non_null(strstr(why, "names no plugin directory under /usr/lib/pppd/"));
	assert_non_null(strstr(why, path));
	unlink(path);
	assert_int_equal(pppd_plugin_dir_of(path, dir, sizeof(dir), &e), -1);
	err_format(&e, why, sizeof(why));
	assert_non_null(strstr(why, "No such file or directory"));
	tmpdir_remove(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_explicit),
	    cmocka_unit_test(test_auto),
	    cmocka_unit_test(test_plugin_dir),
	    cmocka_unit_test(test_plugin_dir_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
