/* The undo journal: its line format, and the file as a crash leaves it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/err.h"
#include "netconf/journal.h"
#include "lib/log.h"

struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->dir, "/tmp/test_journal.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/peer.journal", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char other[160];

	unlink(f->path);
	snprintf(other, sizeof(other), "%s/link", f->dir);
	unlink(other);
	rmdir(f->dir);
	free(f);
	return 0;
}

static struct journal_entry route(unsigned ifindex, const char *ifname, const char *dst)
{
	struct journal_entry e = {.kind = JOURNAL_ROUTE, .ifindex = ifindex};

	e.u.route.protocol = SSHDIAL_RTPROT;

	assert_true(strlen(ifname) < sizeof(e.ifname));
	strcpy(e.ifname, ifname);
	assert_true(cidr_parse(dst, &e.dst));
	return e;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* The file's whole contents, in a static buffer: enough for these small journals. */
static const char *read_file(const char *path)
{
	static char buf[4096];
	FILE *fp = fopen(path, "r");

	assert_non_null(fp);
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return buf;
}

static void assert_entry_equal(const struct journal_entry *a, const struct journal_entry *b)
{
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->ifindex, b->ifindex);
	assert_string_equal(a->ifname, b->ifname);
	assert_int_equal(a->dst.family, b->dst.family);
	assert_int_equal(a->dst.prefixlen, b->dst.prefixlen);
	assert_memory_equal(a->dst.addr, b->dst.addr, sizeof(a->dst.addr));
}

static void test_format_ipv4_and_ipv6(void **state)
{
	char line[JOURNAL_LINE_MAX];
	struct journal_entry v4 = route(4, "ppp0", "10.1.0.0/16");
	struct journal_entry v6 = route(12, "ppp1", "2001:db8::/32");

	(void)state;
	assert_int_equal(journal_format(&v4, line, sizeof(line)), 33);
	assert_string_equal(line, "attempt route 4 ppp0 10.1.0.0/16\n");
	assert_int_equal(journal_format(&v6, line, sizeof(line)), 36);
	assert_string_equal(line, "attempt route 12 ppp1 2001:db8::/32\n");
}

static void test_format_refuses_what_it_could_not_read_back(void **state)
{
	char line[JOURNAL_LINE_MAX];
	struct journal_entry e = route(4, "ppp0", "10.1.0.0/16");
	struct journal_entry bad;

	(void)state;
	bad = e;
	bad.ifindex = 0;
	assert_int_equal(journal_format(&bad, line, sizeof(line)), -1);
	bad = e;
	bad.ifname[0] = '\0';
	assert_int_equal(journal_format(&bad, line, sizeof(line)), -1);
	bad = e;
	strcpy(bad.ifname, "pp 0");
	assert_int_equal(journal_format(&bad, line, sizeof(line)), -1);
	bad = e;
	memset(bad.ifname, 'x', sizeof(bad.ifname)); /* no NUL within IF_NAMESIZE */
	assert_int_equal(journal_format(&bad, line, sizeof(line)), -1);
	bad = e;
	bad.kind = (enum journal_kind)0;
	assert_int_equal(journal_format(&bad, line, sizeof(line)), -1);
	/* One byte short of the line and its NUL. */
	assert_int_equal(journal_format(&e, line, 33), -1);
	assert_int_equal(journal_format(&e, line, 34), 33);
}

static void test_parse_round_trip(void **state)
{
	static const char *const dsts[] = {"10.1.0.0/16",   "192.0.2.7/32",  "0.0.0.0/0",
	                                   "2001:db8::/32", "fd00:1:2::/48", "::/0"};
	(void)state;
	for (size_t i = 0; i < sizeof(dsts) / sizeof(dsts[0]); i++) {
		char line[JOURNAL_LINE_MAX];
		struct journal_entry e = route((unsigned)i + 1, "ppp15", dsts[i]), back;
		int n = journal_format(&e, line, sizeof(line));
		assert_true(n > 0);
		line[n - 1] = '\0'; /* journal_parse takes the line without its newline */
		assert_true(journal_parse(line, &back));
		assert_entry_equal(&e, &back);
	}
}

static void test_parse_rejects_malformed_lines(void **state)
{
	static const char *const bad[] = {
	    "",
	    "route",
	    "route 4 ppp0",
	    "route 4 ppp0 10.1.0.0/16 extra",
	    "addr 4 ppp0 10.1.0.0/16",
	    "Route 4 ppp0 10.1.0.0/16",
	    "route 0 ppp0 10.1.0.0/16",
	    "route -4 ppp0 10.1.0.0/16",
	    "route +4 ppp0 10.1.0.0/16",
	    "route 04 ppp0 10.1.0.0/16",
	    "route 4x ppp0 10.1.0.0/16",
	    "route 4294967296 ppp0 10.1.0.0/16",
	    "route 2147483648 ppp0 10.1.0.0/16",
	    "route 4 ppp0 10.1.0.0/33",
	    "route 4 ppp0 10.1.0.1/16",
	    "route 4 ppp0 10.1.0.0/1",
	    "route 4 ppp0 not-a-network",
	    "route 4 abcdefghijklmnop 10.1.0.0/16",
	    "route 4 pp/0 10.1.0.0/16",
	    "route\t4 ppp0 10.1.0.0/16",
	};
	struct journal_entry out = route(99, "untouched", "192.0.2.0/24");
	const struct journal_entry before = out;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (journal_parse(bad[i], &out))
			fail_msg("accepted \"%s\"", bad[i]);
		assert_entry_equal(&out, &before);
	}
	assert_true(journal_parse("route 2147483647 abcdefghijklmno 10.1.0.0/16", &out));
	assert_int_equal(out.ifindex, 2147483647u);
}

static void test_open_creates_private_empty_file(void **state)
{
	struct fixture *f = *state;
	struct journal_entry *stale = (void *)1;
	size_t n = 99;
	struct stat st;

	struct journal *j = journal_open(f->path, &stale, &n);
	assert_non_null(j);
	assert_null(stale);
	assert_int_equal(n, 0);
	assert_string_equal(journal_path(j), f->path);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 0);
	journal_close(j, false);
	assert_int_equal(access(f->path, F_OK), 0);
}

static void test_append_then_reopen_reads_back_in_order(void **state)
{
	struct fixture *f = *state;
	struct journal_entry want[3] = {route(4, "ppp0", "10.1.0.0/16"),
	                                route(4, "ppp0", "2001:db8::/32"),
	                                route(9, "ppp1", "192.0.2.0/24")};
	struct journal_entry *stale;
	size_t n;

	struct journal *j = journal_open(f->path, &stale, &n);
	assert_non_null(j);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(journal_append(j, &want[i]), 0);
	journal_close(j, false);
	assert_string_equal(read_file(f->path), "attempt route 4 ppp0 10.1.0.0/16\n"
	                                        "attempt route 4 ppp0 2001:db8::/32\n"
	                                        "attempt route 9 ppp1 192.0.2.0/24\n");

	j = journal_open(f->path, &stale, &n);
	assert_non_null(j);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < 3; i++)
		assert_entry_equal(&stale[i], &want[i]);
	free(stale);
	/* Reading does not consume: the entries stay until cleared. */
	journal_close(j, false);
	j = journal_open(f->path, &stale, &n);
	assert_int_equal(n, 3);
	free(stale);
	journal_close(j, false);
}

static void test_truncated_last_line_is_dropped_and_cut_off(void **state)
{
	struct fixture *f = *state;
	struct journal_entry *stale;
	size_t n;

	write_file(f->path, "route 4 ppp0 10.1.0.0/16\n"
	                    "route 4 ppp0 10.2.0.0/16\n"
	                    "route 4 ppp0 10.3.0.0/1");
	struct journal *j = journal_open(f->path, &stale, &n);
	assert_non_null(j);
	assert_int_equal(n, 2);
	assert_string_equal(stale[1].ifname, "ppp0");
	struct journal_entry second = route(4, "ppp0", "10.2.0.0/16");
	assert_entry_equal(&stale[1], &second);
	free(stale);
	assert_string_equal(read_file(f->path), "route 4 ppp0 10.1.0.0/16\n"
	                                        "route 4 ppp0 10.2.0.0/16\n");

	/* The next append must not be glued to the remains of the cut line. */
	struct journal_entry third = route(5, "ppp1", "10.4.0.0/16");
	assert_int_equal(journal_append(j, &third), 0);
	journal_close(j, false);
	j = journal_open(f->path, &stale, &n);
	assert_int_equal(n, 3);
	assert_entry_equal(&stale[2], &third);
	free(stale);
	journal_close(j, false);
}

static void test_file_of_only_a_partial_line(void **state)
{
	struct fixture *f = *state;
	struct journal_entry *stale;
	size_t n;

	write_file(f->path, "rou");
	struct journal *j = journal_open(f->path, &stale, &n);
	assert_non_null(j);
	assert_int_equal(n, 0);
	assert_string_equal(read_file(f->path), "");
	free(stale);
	journal_close(j, false);
}

static void test_unreadable_lines_are_skipped_not_fatal(void **state)
{
	struct fixture *f = *state;
	struct journal_entry *stale;
	size_t n;
	static const char text[] = "route 4 ppp0 10.1.0.0/16\n"
	                           "\n"
	                           "garbage here\n"
	                           "route 4 ppp0 10.2.0.0/16\n"
	                           "route 4 pp\0p0 10.9.0.0/16\n"
	                           "route 4 ppp0 10.3.0.0/16\n";

	int fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);

	struct journal *j = journal_open(f->path, &stale, &n);
	assert_non_null(j);
	assert_int_equal(n, 3);
	struct journal_entry want = route(4, "ppp0", "10.3.0.0/16");
	assert_entry_equal(&stale[2], &want);
	free(stale);
	journal_close(j, false);
}

static void test_retract_removes_only_the_last_line(void **state)
{
	struct fixture *f = *state;
	struct journal_entry *stale;
	size_t n;
	struct journal_entry a = route(4, "ppp0", "10.1.0.0/16");
	struct journal_entry b = route(4, "ppp0", "10.2.0.0/16");

	struct journal *j = journal_open(f->path, &stale, &n);
	assert_int_equal(journal_append(j, &a), 0);
	assert_int_equal(journal_append(j, &b), 0);
	assert_int_equal(journal_retract(j), 0);
	assert_string_equal(read_file(f->path), "attempt route 4 ppp0 10.1.0.0/16\n");
	/* A second retract has no further line of its own to remove. */
	assert_int_equal(journal_retract(j), 0);
	assert_string_equal(read_file(f->path), "attempt route 4 ppp0 10.1.0.0/16\n");
	assert_int_equal(journal_append(j, &b), 0);
	assert_string_equal(read_file(f->path), "attempt route 4 ppp0 10.1.0.0/16\n"
	                                        "attempt route 4 ppp0 10.2.0.0/16\n");
	journal_close(j, false);
}

static void test_append_refuses_invalid_entry(void **state)
{
	struct fixture *f = *state;
	struct journal_entry *stale;
	size_t n;
	struct journal_entry bad = route(4, "ppp0", "10.1.0.0/16");

	bad.ifindex = 0;
	struct journal *j = journal_open(f->path, &stale, &n);
	errno = 0;
	assert_int_equal(journal_append(j, &bad), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(read_file(f->path), "");
	journal_close(j, false);
}

static void test_clear_and_close_with_remove(void **state)
{
	struct fixture *f = *state;
	struct journal_entry *stale;
	size_t n;
	struct journal_entry a = route(4, "ppp0", "10.1.0.0/16");

	struct journal *j = journal_open(f->path, &stale, &n);
	assert_int_equal(journal_append(j, &a), 0);
	assert_int_equal(journal_clear(j), 0);
	assert_string_equal(read_file(f->path), "");
	assert_int_equal(journal_append(j, &a), 0);
	assert_string_equal(read_file(f->path), "attempt route 4 ppp0 10.1.0.0/16\n");
	journal_close(j, true);
	assert_int_equal(access(f->path, F_OK), -1);
	assert_int_equal(errno, ENOENT);
}

static void test_second_open_is_refused_while_held(void **state)
{
	struct fixture *f = *state;
	struct journal_entry *stale;
	size_t n;

	struct journal *j = journal_open(f->path, &stale, &n);
	assert_non_null(j);
	errno = 0;
	assert_null(journal_open(f->path, &stale, &n));
	assert_int_equal(errno, EWOULDBLOCK);
	journal_close(j, false);
	j = journal_open(f->path, &stale, &n);
	assert_non_null(j);
	journal_close(j, true);
}

static void test_symlink_is_not_followed(void **state)
{
	struct fixture *f = *state;
	struct journal_entry *stale;
	size_t n;
	char link[160];

	snprintf(link, sizeof(link), "%s/link", f->dir);
	write_file(f->path, "");
	assert_int_equal(symlink(f->path, link), 0);
	errno = 0;
	assert_null(journal_open(link, &stale, &n));
	assert_int_equal(errno, ELOOP);
}

static void test_rewrite_keeps_the_rest_and_the_lock(void **state)
{
	struct fixture *f = *state;
	struct journal_entry *stale;
	size_t n;
	struct journal_entry a = route(4, "ppp0", "10.1.0.0/16");
	struct journal_entry s = route(4, "ppp0", "10.2.0.0/16");
	struct stat before, after;

	s.scope = JOURNAL_SESSION;
	struct journal *j = journal_open(f->path, &stale, &n);
	assert_int_equal(journal_append(j, &a), 0);
	assert_int_equal(journal_append(j, &s), 0);
	assert_int_equal(stat(f->path, &before), 0);
	assert_int_equal(journal_rewrite(j, &s, 1), 0);
	assert_string_equal(read_file(f->path), "session route 4 ppp0 10.2.0.0/16\n");
	assert_int_equal(stat(f->path, &after), 0);
	assert_true(before.st_ino != after.st_ino); /* a new file, renamed over */
	assert_int_equal(after.st_mode & 07777, 0600);
	/* The new file is the one held: a second open is refused. */
	errno = 0;
	assert_null(journal_open(f->path, &stale, &n));
	assert_int_equal(errno, EWOULDBLOCK);
	/* Appends and retracts go on in the new file. */
	assert_int_equal(journal_append(j, &a), 0);
	assert_int_equal(journal_retract(j), 0);
	assert_int_equal(journal_append(j, &a), 0);
	assert_string_equal(read_file(f->path), "session route 4 ppp0 10.2.0.0/16\n"
	                                        "attempt route 4 ppp0 10.1.0.0/16\n");
	/* An entry format refuses leaves the file as it was. */
	struct journal_entry bad = a;
	bad.ifindex = 0;
	struct journal_entry both[2] = {s, bad};
	errno = 0;
	assert_int_equal(journal_rewrite(j, both, 2), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(read_file(f->path), "session route 4 ppp0 10.2.0.0/16\n"
	                                        "attempt route 4 ppp0 10.1.0.0/16\n");
	journal_close(j, true);
	char tmp[160];
	snprintf(tmp, sizeof(tmp), "%s.new", f->path);
	assert_int_equal(access(tmp, F_OK), -1);
}

static void test_malformed_line_message_says_why(void **state)
{
	struct journal_entry e;

	(void)state;
	struct err why;
	assert_false(journal_parse_why("session rule 4 1000 frobnicate", &e, &why));
	assert_string_equal(why.what, "rule: unknown action");
	assert_false(journal_parse_why("attempt route 4 ppp0 10.1.0.1/16", &e, &why));
	assert_string_equal(why.what, "route: bad CIDR");
	assert_false(journal_parse_why("attempt route 04 ppp0 10.1.0.0/16", &e, &why));
	assert_string_equal(why.what, "route: bad interface index");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_ipv4_and_ipv6),
	    cmocka_unit_test(test_format_refuses_what_it_could_not_read_back),
	    cmocka_unit_test(test_parse_round_trip),
	    cmocka_unit_test(test_parse_rejects_malformed_lines),
	    cmocka_unit_test_setup_teardown(test_open_creates_private_empty_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_append_then_reopen_reads_back_in_order, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_truncated_last_line_is_dropped_and_cut_off, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_file_of_only_a_partial_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unreadable_lines_are_skipped_not_fatal, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_retract_removes_only_the_last_line, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_append_refuses_invalid_entry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_clear_and_close_with_remove, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_second_open_is_refused_while_held, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_symlink_is_not_followed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rewrite_keeps_the_rest_and_the_lock, setup,
	                                    teardown),
	    cmocka_unit_test(test_malformed_line_message_says_why),
	};

	/* The journal warns about the damaged files these tests make on purpose. */
	log_set_level(LOG_LEVEL_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
