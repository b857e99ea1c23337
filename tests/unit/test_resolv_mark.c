/* The resolver file's "changed since sshdial wrote it" decision (resolv_mark.h), and the
 * resolver change's undo that rests on it: the old file comes back over the file sshdial
 * wrote, and never over one rewritten since, whose backup is then kept. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netconf/change.h"
#include "lib/err.h"
#include "netconf/journal.h"
#include "netconf/resolv_mark.h"
#include "tmpdir.h"

static const char written[] = "# Written by sshdial\nnameserver 192.168.77.1\n";

static void test_format_parse(void **state)
{
	(void)state;
	struct resolv_mark m, back;
	char buf[RESOLV_MARK_STRLEN];

	resolv_mark_of(written, strlen(written), &m);
	assert_int_equal(m.len, strlen(written));
	assert_true(resolv_mark_format(&m, buf, sizeof(buf)) > 0);
	assert_true(strncmp(buf, "wrote=45,", 9) == 0);
	assert_int_equal(strlen(buf), 9 + 16);
	assert_true(resolv_mark_parse(buf, &back));
	assert_true(back.len == m.len && back.sum == m.sum);
	/* FNV-1a of nothing is its offset basis. */
	resolv_mark_of("", 0, &m);
	assert_true(m.sum == 0xcbf29ce484222325ull);

	assert_false(resolv_mark_parse("wrote=45", &back));
	assert_false(resolv_mark_parse("wrote=,0123456789abcdef", &back));
	assert_false(resolv_mark_parse("wrote=045,0123456789abcdef", &back));
	assert_false(resolv_mark_parse("wrote=45,0123456789ABCDEF", &back));
	assert_false(resolv_mark_parse("wrote=45,0123456789abcde", &back));
	assert_false(resolv_mark_parse("wrote=-1,0123456789abcdef", &back));
	assert_false(resolv_mark_parse("wrote=45,0123456789abcdef ", &back));
	assert_false(resolv_mark_parse("/run/x", &back));
	assert_false(resolv_mark_parse(buf + 1, &back));
}

static void test_judge(void **state)
{
	(void)state;
	struct resolv_mark m;
	char other[sizeof(written)];

	resolv_mark_of(written, strlen(written), &m);
	assert_int_equal(resolv_mark_judge(&m, true, true, written, strlen(written)),
	                 RESOLV_NOW_OURS);
	assert_int_equal(resolv_mark_judge(&m, false, false, NULL, 0), RESOLV_NOW_GONE);
	/* A symlink (resolvconf, systemd-resolved) or anything not a file is someone else's. */
	assert_int_equal(resolv_mark_judge(&m, true, false, NULL, 0), RESOLV_NOW_CHANGED);
	/* One byte more, one byte less, one byte other. */
	assert_int_equal(resolv_mark_judge(&m, true, true, written, strlen(written) - 1),
	                 RESOLV_NOW_CHANGED);
	memcpy(other, written, sizeof(written));
	other[strlen(other) - 2] = '2';
	assert_int_equal(resolv_mark_judge(&m, true, true, other, strlen(other)),
	                 RESOLV_NOW_CHANGED);
}

/* The kind's own prepare, apply and undo on a file of a scratch directory. */
struct scene {
	char *dir, *path, journal[256];
	struct journal_entry e;
	struct change_env env;
};

static void replace(struct scene *s, const char *before)
{
	const struct change_kind *k = change_kind_of(JOURNAL_RESOLV);

	s->dir = tmpdir_new();
	s->path = tmpdir_file(s->dir, "resolv.conf", before, 0644);
	snprintf(s->journal, sizeof(s->journal), "%s/office.journal", s->dir);
	s->e = (struct journal_entry){.kind = JOURNAL_RESOLV, .scope = JOURNAL_ATTEMPT};
	snprintf(s->e.u.resolv.path, sizeof(s->e.u.resolv.path), "%s", s->path);
	s->env = (struct change_env){.label = "office",
	                             .journal_path = s->journal,
	                             .data = written,
	                             .data_len = strlen(written)};
	assert_int_equal(k->prepare(&s->env, &s->e), 0);
	assert_true(s->e.u.resolv.has_mark);
	assert_int_equal(k->apply(&s->env, &s->e), 0);
	/* The line goes through the journal's text, as after a reboot. */
	char line[JOURNAL_LINE_MAX];
	int n = journal_format(&s->e, line, sizeof(line));
	assert_true(n > 0);
	line[n - 1] = '\0';
	assert_non_null(strstr(line, " wrote=45,"));
	memset(&s->e, 0, sizeof(s->e));
	struct err why;
	assert_true(journal_parse_why(line, &s->e, &why));
}

static char *read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_restored_over_ours(void **state)
{
	(void)state;
	struct scene s;
	char buf[256];

	replace(&s, "nameserver 10.77.0.53\n");
	assert_string_equal(read_text(s.path, buf, sizeof(buf)), written);
	assert_int_equal(change_kind_of(JOURNAL_RESOLV)->undo(&s.env, &s.e), UNDO_REMOVED);
	assert_string_equal(read_text(s.path, buf, sizeof(buf)), "nameserver 10.77.0.53\n");
	assert_int_equal(access(s.e.u.resolv.backup, F_OK), -1);
	free(s.path);
	tmpdir_remove(s.dir);
}

static void test_not_restored_over_another(void **state)
{
	(void)state;
	struct scene s;
	char buf[256], *backup;

	replace(&s, "nameserver 10.77.0.53\n");
	/* NetworkManager writes its own file meanwhile. */
	backup = tmpdir_file(s.dir, "nm", "nameserver 10.1.1.1\n", 0644);
	assert_int_equal(rename(backup, s.path), 0);
	assert_int_equal(change_kind_of(JOURNAL_RESOLV)->undo(&s.env, &s.e), UNDO_GONE);
	assert_string_equal(read_text(s.path, buf, sizeof(buf)), "nameserver 10.1.1.1\n");
	/* The old file is kept where the log says. */
	assert_string_equal(read_text(s.e.u.resolv.backup, buf, sizeof(buf)),
	                    "nameserver 10.77.0.53\n");
	free(backup);
	free(s.path);
	tmpdir_remove(s.dir);
}

static void test_not_restored_over_a_symlink(void **state)
{
	(void)state;
	struct scene s;
	char buf[256];

	replace(&s, "nameserver 10.77.0.53\n");
	assert_int_equal(unlink(s.path), 0);
	assert_int_equal(symlink("/run/resolvconf/resolv.conf", s.path), 0);
	assert_int_equal(change_kind_of(JOURNAL_RESOLV)->undo(&s.env, &s.e), UNDO_GONE);
	ssize_t n = readlink(s.path, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "/run/resolvconf/resolv.conf");
	free(s.path);
	tmpdir_remove(s.dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_parse),
	    cmocka_unit_test(test_judge),
	    cmocka_unit_test(test_restored_over_ours),
	    cmocka_unit_test(test_not_restored_over_another),
	    cmocka_unit_test(test_not_restored_over_a_symlink),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
