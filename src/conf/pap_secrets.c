#include "conf/pap_secrets.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/file_read.h"
#include "lib/words.h"
#include "lib/xalloc.h"

#define MAX_SECRETS_FILE (1024 * 1024)

/* pppd's ranking of a matching entry: a named client counts more than a named server. */
enum { NONWILD_SERVER = 1, NONWILD_CLIENT = 2 };

struct scan {
	const char *client;
	const char *server;
	int best_rank; /* -1: no entry yet */
	char *best_secret;
	unsigned best_line;
	/* The entry being read. */
	unsigned field; /* 0 client, 1 server, 2 secret, more: addresses (ignored) */
	bool skip;
	int rank;
};

static bool wild(const char *word)
{
	return strcmp(word, "*") == 0;
}

static void keep_secret(struct scan *s, const char *secret, unsigned line)
{
	if (s->best_secret)
		explicit_bzero(s->best_secret, strlen(s->best_secret));
	free(s->best_secret);
	s->best_secret = xstrdup(secret);
	s->best_rank = s->rank;
	s->best_line = line;
}

/* Entries start at the beginning of a line, as in pppd's scan_authfile. */
static void scan_word(struct scan *s, const char *word, bool first_on_line, unsigned line)
{
	s->field = first_on_line ? 0 : s->field + 1;
	if (s->field == 0) {
		s->skip = !wild(word) && strcmp(word, s->client) != 0;
		s->rank = wild(word) ? 0 : NONWILD_CLIENT;
	} else if (s->field == 1 && !s->skip && !wild(word)) {
		if (s->server && strcmp(word, s->server) != 0)
			s->skip = true;
		s->rank |= NONWILD_SERVER;
	} else if (s->field == 2 && !s->skip && s->rank > s->best_rank) {
		keep_secret(s, word, line);
	}
}

static bool scan_text(struct scan *s, const char *path, const char *text, struct diag *d)
{
	struct words *w = words_new(text, 1);
	const char *word;
	int n;
	while ((n = words_next(w, &word)) == 1)
		scan_word(s, word, words_first_on_line(w), words_line(w));
	if (n < 0)
		diag_add(d, path, words_line(w), "%s", words_error(w));
	words_free(w);
	return n == 0;
}

/* "@/path": the secret is the first word of that file (pppd reads it the same way). */
static char *indirect_secret(const char *at_path, const char *path, unsigned line, struct diag *d)
{
	size_t len;
	char *text = secret_file_read(at_path, MAX_SECRETS_FILE, &len, d);
	if (!text)
		return NULL;
	struct words *w = words_new(text, 1);
	const char *word;
	int n = words_next(w, &word);
	char *secret = n == 1 ? xstrdup(word) : NULL;
	if (n == 0)
		diag_add(d, at_path, 0, "no secret in it (named at %s:%u)", path, line);
	else if (n < 0)
		diag_add(d, at_path, words_line(w), "%s", words_error(w));
	words_free(w);
	secret_file_free(text, len);
	return secret;
}

static ssize_t copy_secret(const struct scan *s, const char *path, char *buf, size_t size,
                           struct diag *d)
{
	char *indirect = NULL;
	const char *secret = s->best_secret;
	if (strncmp(secret, "@/", 2) == 0) {
		indirect = indirect_secret(secret + 1, path, s->best_line, d);
		if (!indirect)
			return -1;
		secret = indirect;
	}
	size_t len = strlen(secret);
	ssize_t r = -1;
	if (len >= size)
		diag_add(d, path, s->best_line, "the secret for '%s' is longer than %zu bytes",
		         s->client, size - 1);
	else {
		memcpy(buf, secret, len + 1);
		r = (ssize_t)len;
	}
	if (indirect) {
		explicit_bzero(indirect, len);
		free(indirect);
	}
	return r;
}

ssize_t pap_secrets_lookup(const char *path, const char *client, const char *server, char *buf,
                           size_t size, struct diag *d)
{
	size_t len;
	char *text = secret_file_read(path, MAX_SECRETS_FILE, &len, d);
	if (!text)
		return -1;
	struct scan s = {.client = client, .server = server, .best_rank = -1};
	ssize_t r = -1;
	if (scan_text(&s, path, text, d)) {
		if (s.best_secret)
			r = copy_secret(&s, path, buf, size, d);
		else if (server)
			diag_add(d, path, 0,
			         "no secret for '%s' on server '%s'; add a line '%s %s SECRET'",
			         client, server, client, server);
		else
			diag_add(d, path, 0, "no secret for '%s'; add a line '%s * SECRET'", client,
			         client);
	}
	if (s.best_secret) {
		explicit_bzero(s.best_secret, strlen(s.best_secret));
		free(s.best_secret);
	}
	secret_file_free(text, len);
	return r;
}
