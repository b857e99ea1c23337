#include "conf/keyword.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/text.h"
#include "lib/words.h"
#include "lib/xalloc.h"

void kw_error(const struct kw_place *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_add(at->d, at->file, at->line, "%s", msg);
	free(msg);
}

void kw_errno(const struct kw_place *at, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_errno(at->d, at->file, at->line, errnum, "%s", msg);
	free(msg);
}

int kw_find(const struct kw_table *t, const char *name)
{
	for (size_t k = 0; k < t->count; k++)
		if (strcasecmp(t->keywords[k].name, name) == 0)
			return (int)k;
	return -1;
}

/* ---- did you mean ---- */

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;
	return m < c ? m : c;
}

/* Optimal string alignment distance: edits plus transpositions, so "hots" is one edit
 * from "host".  b is a keyword, already lower case. */
static size_t edit_distance(const char *a, const char *b)
{
	enum { MAX = 40 };
	size_t la = strlen(a), lb = strlen(b);
	if (la >= MAX || lb >= MAX)
		return MAX;
	size_t d[MAX + 1][MAX + 1];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) != b[j - 1];
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == b[j - 2] &&
			    tolower((unsigned char)a[i - 2]) == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[la][lb];
}

const char *kw_closest_name(const char *const *names, size_t n, const char *name)
{
	const char *best = NULL;
	size_t best_distance = 3; /* farther than 2 edits is a guess, not a typo */
	for (size_t k = 0; k < n; k++) {
		size_t dist = edit_distance(name, names[k]);
		if (dist < best_distance) {
			best_distance = dist;
			best = names[k];
		}
	}
	return best;
}

const char *kw_closest(const struct kw_table *t, const char *name)
{
	const char *best = NULL;
	size_t best_distance = 3; /* farther than 2 edits is a guess, not a typo */
	for (size_t k = 0; k < t->count; k++) {
		size_t dist = edit_distance(name, t->keywords[k].name);
		if (dist < best_distance) {
			best_distance = dist;
			best = t->keywords[k].name;
		}
	}
	return best;
}

/* ---- one line ---- */

void kw_line_free(struct kw_line *l)
{
	free(l->key);
	free(l->value);
	*l = (struct kw_line){.k = -1};
}

/* The words after the keyword. */
struct values {
	size_t count;
	char *first;  /* unquoted */
	char *second; /* unquoted, for "unexpected" messages */
	size_t start; /* raw text from the first value's start to the last one's end */
	size_t end;
};

static bool read_values(struct words *w, struct values *v)
{
	const char *word;
	int n;
	while ((n = words_next(w, &word)) == 1) {
		if (v->count == 0) {
			v->first = xstrdup(word);
			v->start = words_start(w);
		} else if (v->count == 1) {
			v->second = xstrdup(word);
		}
		v->end = words_end(w);
		v->count++;
	}
	return n == 0;
}

/* The value of a known keyword, or NULL after a message. */
static char *line_value(const struct kw_table *t, const struct kw_place *at, const char *line,
                        int k, struct values *v)
{
	const struct keyword *kw = &t->keywords[k];
	if (v->count == 0) {
		kw_error(at, "%s: missing value; write '%s'", kw->name, kw->usage);
	} else if (v->count == 1) {
		char *value = v->first;
		v->first = NULL;
		return value;
	} else if (kw->flags & KW_REST_OF_LINE) {
		return xstrndup(line + v->start, v->end - v->start);
	} else {
		kw_error(at, "%s: unexpected '%s' after '%s'; %s", kw->name, v->second, v->first,
		         t->extra_hint);
	}
	return NULL;
}

int kw_read_line(const struct kw_table *t, const struct kw_place *at, const char *line,
                 struct kw_line *out)
{
	*out = (struct kw_line){.k = -1};
	struct words *w = words_new(line, at->line);
	struct values v = {0};
	const char *word;
	int n = words_next(w, &word);
	int result = 0;
	if (n == 1) {
		out->key = xstrdup(word);
		n = read_values(w, &v) ? 1 : -1;
	}
	if (n < 0) {
		kw_error(at, "%s", words_error(w));
	} else if (n == 1 && (out->k = kw_find(t, out->key)) < 0) {
		result = -1;
	} else if (n == 1) {
		out->value = line_value(t, at, line, out->k, &v);
		result = out->value != NULL;
	}
	free(v.first);
	free(v.second);
	words_free(w);
	return result;
}

/* ---- values ---- */

static bool parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"yes", "true", "on"};
	static const char *const no[] = {"no", "false", "off"};
	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

/* Up to `digits` decimal digits and nothing else, from lo to hi. */
static bool parse_number(const char *v, size_t digits, unsigned lo, unsigned hi, unsigned *out)
{
	size_t n = strspn(v, "0123456789");
	if (n == 0 || n > digits || v[n] != '\0')
		return false;
	unsigned long x = strtoul(v, NULL, 10);
	if (x < lo || x > hi)
		return false;
	*out = (unsigned)x;
	return true;
}

/* Seconds with up to three decimals, 0.1 to 3600: "1", "0.5", "2.25". */
static bool parse_seconds(const char *v, unsigned *ms)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (errno || end == v || *end || !isdigit((unsigned char)*v) || d < 0.1 || d > 3600)
		return false;
	*ms = (unsigned)(d * 1000 + 0.5);
	return true;
}

static bool check_name(const struct kw_place *at, const struct keyword *kw, const char *v)
{
	if (v[strcspn(v, " \t")] != '\0') {
		kw_error(at, "%s: '%s' contains a space; a name has none", kw->name, v);
		return false;
	}
	if (v[0] == '-') {
		kw_error(at, "%s: '%s' starts with '-', which ssh would take for an option",
		         kw->name, v);
		return false;
	}
	return true;
}

static bool check_path(const struct kw_place *at, const struct keyword *kw, const char *v)
{
	bool tilde = kw->flags & KW_TILDE;
	if (v[0] == '/' || (tilde && v[0] == '~'))
		return true;
	kw_error(at, "%s: '%s' is not an absolute path; write it from /%s", kw->name, v,
	         tilde ? " (or ~/ for local-user's home)" : "");
	return false;
}

static bool parse_network(const struct kw_place *at, const struct keyword *kw, const char *v,
                          struct cidr *out)
{
	enum cidr_status status = cidr_parse_status(v, out);
	if (status == CIDR_HOST_BITS) {
		char buf[CIDR_STRLEN];
		cidr_format(out, buf, sizeof(buf));
		kw_error(at, "%s: '%s' has host bits set; did you mean '%s'?", kw->name, v, buf);
	} else if (status == CIDR_BAD_PREFIX) {
		kw_error(at, "%s: '%s' has a bad prefix length; %s", kw->name, v,
		         strchr(v, ':') ? "IPv6 takes 0-128" : "IPv4 takes 0-32");
	} else if (status != CIDR_OK) {
		kw_error(at,
		         "%s: '%s' is not a network; write ADDRESS/PREFIX, as in '10.1.0.0/16' or "
		         "'2001:db8::/32'",
		         kw->name, v);
	}
	return status == CIDR_OK;
}

/* The kinds whose check is a parse with one message. */
static bool parse_simple(const struct kw_place *at, const struct keyword *kw, const char *v,
                         struct kw_value *out)
{
	switch (kw->kind) {
	case KW_BOOL:
		if (parse_bool(v, &out->yes))
			return true;
		kw_error(at, "%s: '%s' is not yes or no", kw->name, v);
		return false;
	case KW_PORT:
		if (parse_number(v, 5, 1, 65535, &out->number))
			return true;
		kw_error(at, "%s: '%s' is not a port number (1-65535)", kw->name, v);
		return false;
	case KW_NUMBER:
		if (parse_number(v, 6, kw->min, kw->max, &out->number))
			return true;
		kw_error(at, "%s: '%s' is not a number from %u to %u", kw->name, v, kw->min,
		         kw->max);
		return false;
	case KW_SECONDS:
		if (parse_seconds(v, &out->number))
			return true;
		kw_error(at, "%s: '%s' is not a number of seconds (0.1-3600)", kw->name, v);
		return false;
	default:
		if (inet_pton(AF_INET, v, &out->address) == 1)
			return true;
		kw_error(at, "%s: '%s' is not an IPv4 address; write '%s'", kw->name, v, kw->usage);
		return false;
	}
}

static bool parse_value(const struct kw_place *at, const struct keyword *kw, const char *v,
                        struct kw_value *out)
{
	if (*v == '\0') {
		kw_error(at, "%s: empty value; write '%s'", kw->name, kw->usage);
		return false;
	}
	if (has_control_char(v, strlen(v))) {
		kw_error(at, "%s: the value contains a control character", kw->name);
		return false;
	}
	switch (kw->kind) {
	case KW_TEXT:
		return true;
	case KW_NAME:
		return check_name(at, kw, v);
	case KW_PATH:
		return check_path(at, kw, v);
	case KW_NETWORK:
		return parse_network(at, kw, v, &out->network);
	default:
		return parse_simple(at, kw, v, out);
	}
}

bool kw_take(const struct kw_table *t, int k, const struct kw_place *at, unsigned *first_line,
             const char *v, struct kw_value *out)
{
	const struct keyword *kw = &t->keywords[k];
	if (!(kw->flags & KW_REPEATS) && *first_line) {
		if (at->line)
			kw_error(at, "%s: given twice (first at line %u)", kw->name, *first_line);
		else
			kw_error(at, "%s: given twice", kw->name);
		return false;
	}
	if (!*first_line)
		*first_line = at->line ? at->line : 1;
	*out = (struct kw_value){.text = v};
	return parse_value(at, kw, v, out);
}

/* ---- repeated networks ---- */

bool kw_networks_add(struct kw_networks *n, const char *name, const struct kw_place *at,
                     const struct kw_value *v)
{
	for (size_t i = 0; i < n->count; i++) {
		if (cidr_equal(&n->nets[i], &v->network)) {
			kw_error(at, "%s: '%s' given twice (first at line %u)", name, v->text,
			         n->lines[i]);
			return false;
		}
	}
	n->nets = xrealloc(n->nets, n->count + 1, sizeof(*n->nets));
	n->lines = xrealloc(n->lines, n->count + 1, sizeof(*n->lines));
	n->nets[n->count] = v->network;
	n->lines[n->count++] = at->line;
	return true;
}

void kw_networks_free(struct kw_networks *n)
{
	free(n->nets);
	free(n->lines);
	*n = (struct kw_networks){0};
}
