/* The manual pages list every keyword the parsers' tables hold, and no other, each written
 * as the table's usage says (case aside: the page puts the value in italics). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/config.h"
#include "conf/keyword.h"
#include "server/server_conf.h"

/* One keyword's heading in a page: the line after .TP or .TQ. */
struct entry {
	char usage[128];
	size_t name_len;
	bool matched;
};

/* Drops troff's escapes: \- and the like become the character, \(dq a quote, and font
 * changes (\fI, \fR, \fP) go. */
static void unescape(const char *s, char *out, size_t size)
{
	size_t n = 0;
	while (*s && n + 1 < size) {
		if (strncmp(s, "\\(dq", 4) == 0) {
			out[n++] = '"';
			s += 4;
		} else if (strncmp(s, "\\f", 2) == 0 && s[2]) {
			s += 3;
		} else if (*s == '\\' && s[1]) {
			out[n++] = s[1];
			s += 2;
		} else {
			out[n++] = *s++;
		}
	}
	out[n] = '\0';
}

/* A heading's text as the reader sees it: .BI and .BR alternate fonts between their
 * arguments with no space, so the arguments are joined, their quotes removed. */
static void heading_text(const char *line, char *out, size_t size)
{
	char joined[512];
	size_t n = 0;
	const char *s = line + strcspn(line, " ");
	while (*s && n + 1 < sizeof(joined)) {
		s += strspn(s, " ");
		size_t len = *s == '"' ? strcspn(s + 1, "\"") : strcspn(s, " ");
		const char *arg = *s == '"' ? s + 1 : s;
		if (len > sizeof(joined) - 1 - n)
			len = sizeof(joined) - 1 - n;
		memcpy(joined + n, arg, len);
		n += len;
		s = arg + len + (*s == '"' && arg[len] == '"');
	}
	joined[n] = '\0';
	unescape(joined, out, size);
}

static bool in_sections(const char *heading, const char *const *sections)
{
	for (size_t i = 0; sections[i]; i++)
		if (strcmp(heading, sections[i]) == 0)
			return true;
	return false;
}

/* The keyword headings of page in the sections named; n of them. */
static size_t read_entries(const char *page, const char *const *sections, struct entry *out,
                           size_t max)
{
	const char *dir = getenv("SSHDIAL_DOCS");
	char path[512], line[512];
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "docs", page);
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("%s: cannot open (run from the top of the tree, or set SSHDIAL_DOCS)",
		         path);
	size_t n = 0;
	bool inside = false, heading_next = false;
	while (fgets(line, sizeof(line), f) && n < max) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, ".SH ", 4) == 0)
			inside = in_sections(line + 4, sections);
		if (inside && heading_next && line[0] == '.' && line[1] == 'B') {
			heading_text(line, out[n].usage, sizeof(out[n].usage));
			out[n].name_len = strcspn(out[n].usage, " ");
			out[n++].matched = false;
		}
		heading_next = strcmp(line, ".TP") == 0 || strcmp(line, ".TQ") == 0;
	}
	fclose(f);
	return n;
}

/* Every keyword of t in the page, written as its usage; every heading a keyword of t. */
static void assert_page_matches(const char *page, const char *const *sections,
                                const struct kw_table *t)
{
	struct entry entries[64];
	size_t n = read_entries(page, sections, entries, 64);
	unsigned problems = 0;
	for (size_t k = 0; k < t->count; k++) {
		const struct keyword *kw = &t->keywords[k];
		size_t len = strlen(kw->name);
		bool found = false;
		for (size_t i = 0; i < n && !found; i++) {
			struct entry *e = &entries[i];
			if (e->name_len != len || strncmp(e->usage, kw->name, len) != 0)
				continue;
			found = e->matched = true;
			if (strcasecmp(e->usage, kw->usage) != 0) {
				print_error("docs/%s: '%s' is written '%s' in the table\n", page,
				            e->usage, kw->usage);
				problems++;
			}
		}
		if (!found) {
			print_error("docs/%s: keyword '%s' of the table has no entry\n", page,
			            kw->name);
			problems++;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!entries[i].matched) {
			print_error("docs/%s: '%s' is no keyword of the table\n", page,
			            entries[i].usage);
			problems++;
		}
	}
	assert_int_equal(problems, 0);
}

static void test_peer_page(void **state)
{
	(void)state;
	static const char *const sections[] = {"KEYWORDS", NULL};
	assert_page_matches("sshdial-peer.5", sections, config_keywords());
}

static void test_server_page(void **state)
{
	(void)state;
	static const char *const sections[] = {"SERVER-WIDE SETTINGS", "KEY SECTIONS",
	                                       "SETTINGS FOR KEYS", NULL};
	assert_page_matches("sshdial-server.5", sections, server_conf_keywords());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_peer_page),
	    cmocka_unit_test(test_server_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
