#include "lib/words.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

struct words {
	const char *text;
	const char *pos;
	unsigned line;       /* line of pos */
	bool newline_before; /* an unescaped newline since the last word (or the start) */

	/* The word just read. */
	char *buf;
	size_t len, cap;
	unsigned word_line;
	bool first_on_line;
	size_t start, end;
	const char *error;
};

struct words *words_new(const char *text, unsigned first_line)
{
	struct words *w = xcalloc(1, sizeof(*w));
	w->text = text;
	w->pos = text;
	w->line = first_line;
	w->newline_before = true;
	w->cap = 64;
	w->buf = xmalloc(w->cap);
	return w;
}

void words_free(struct words *w)
{
	if (!w)
		return;
	explicit_bzero(w->buf, w->cap);
	free(w->buf);
	free(w);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void append(struct words *w, char c)
{
	if (w->len + 1 >= w->cap) {
		/* Grown by hand so that the old buffer, which may hold part of a secret, is
		 * wiped rather than left behind by realloc. */
		char *bigger = xmalloc(w->cap * 2);
		memcpy(bigger, w->buf, w->len);
		explicit_bzero(w->buf, w->cap);
		free(w->buf);
		w->buf = bigger;
		w->cap *= 2;
	}
	w->buf[w->len++] = c;
}

/* Moves past whitespace, comments and escaped newlines; false at the end of the text. */
static bool skip_blanks(struct words *w)
{
	for (;;) {
		char c = *w->pos;
		if (c == '\0')
			return false;
		if (c == '\n') {
			w->line++;
			w->newline_before = true;
			w->pos++;
		} else if (is_space(c)) {
			w->pos++;
		} else if (c == '\\' && w->pos[1] == '\n') {
			w->line++;
			w->pos += 2;
		} else if (c == '#') {
			w->pos += strcspn(w->pos, "\n");
		} else {
			return true;
		}
	}
}

/* Handles the backslash at pos; false if nothing follows it. */
static bool escape(struct words *w)
{
	char next = w->pos[1];
	if (next == '\0')
		return false;
	if (next == '\n')
		w->line++; /* a continuation line: the newline vanishes */
	else
		append(w, next);
	w->pos += 2;
	return true;
}

static int fail(struct words *w, const char *error, unsigned line)
{
	w->error = error;
	w->word_line = line;
	return -1;
}

/* Consumes one character of a word; returns 1 to go on, 0 at the word's end, -1 on error. */
static int word_char(struct words *w, char *quote, unsigned *quote_line)
{
	char c = *w->pos;
	if (c == '\0') {
		if (*quote == '"')
			return fail(w, "unterminated double quote; add the closing \"",
			            *quote_line);
		if (*quote == '\'')
			return fail(w, "unterminated single quote; add the closing '", *quote_line);
		return 0;
	}
	if (*quote == '\0' && is_space(c))
		return 0;
	if (c == '\\' && *quote != '\'') {
		if (!escape(w))
			return fail(w, "backslash at the end; write \\\\ for a backslash", w->line);
		return 1;
	}
	if (*quote == '\0' && (c == '"' || c == '\'')) {
		*quote = c;
		*quote_line = w->line;
	} else if (c == *quote) {
		*quote = '\0';
	} else {
		if (c == '\n')
			w->line++;
		append(w, c);
	}
	w->pos++;
	return 1;
}

int words_next(struct words *w, const char **word)
{
	if (w->error)
		return -1;
	if (!skip_blanks(w))
		return 0;
	w->len = 0;
	w->word_line = w->line;
	w->first_on_line = w->newline_before;
	w->newline_before = false;
	w->start = (size_t)(w->pos - w->text);
	char quote = '\0';
	unsigned quote_line = 0;
	int r;
	while ((r = word_char(w, &quote, &quote_line)) == 1)
		;
	if (r < 0)
		return -1;
	w->end = (size_t)(w->pos - w->text);
	w->buf[w->len] = '\0';
	*word = w->buf;
	return 1;
}

unsigned words_line(const struct words *w)
{
	return w->word_line;
}

bool words_first_on_line(const struct words *w)
{
	return w->first_on_line;
}

size_t words_start(const struct words *w)
{
	return w->start;
}

size_t words_end(const struct words *w)
{
	return w->end;
}

const char *words_error(const struct words *w)
{
	return w->error;
}

struct strv *words_split(const char *line, const char **error)
{
	struct words *w = words_new(line, 1);
	struct strv *v = strv_new();
	const char *word;
	int r;
	while ((r = words_next(w, &word)) == 1)
		strv_push(v, word);
	if (r < 0) {
		*error = words_error(w);
		strv_free(v);
		v = NULL;
	}
	words_free(w);
	return v;
}
