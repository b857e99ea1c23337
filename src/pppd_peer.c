#include "pppd_peer.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lines.h"
#include "pppd_options.h"
#include "words.h"
#include "xalloc.h"

/* pppd peer files are a few lines; anything this big is not one. */
#define MAX_PEER_FILE LINES_MAX_FILE

/* An option that sshdial takes over from the file; as in pppd, the last one given wins. */
struct taken {
	char *value;
	unsigned line;
};

struct import {
	struct config_reader *r;
	struct words *w;
	struct diag *d;
	const char *file;
	const char *pap_secrets;
	struct taken pty, user, linkname, remotename;
	unsigned compression_line; /* where the file asks for compression, if it does */
};

static void import_error(struct import *im, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void import_error(struct import *im, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_add(im->d, im->file, line, "%s", msg);
	free(msg);
}

static void take(struct taken *t, const char *value, unsigned line)
{
	free(t->value);
	t->value = xstrdup(value);
	t->line = line;
}

/* Options sshdial does itself, whatever the file says: it runs pppd in the foreground on
 * its own terminal, redials, and tags the link. */
static bool dropped(const char *word)
{
	static const char *const drop[] = {"nodetach", "updetach",  "detach",
	                                   "persist",  "nopersist", "demand"};
	if (strncmp(word, "/dev/", 5) == 0)
		return true;
	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		if (strcmp(word, drop[i]) == 0)
			return true;
	return false;
}

/* 'call' and 'file' name further privileged pppd files, which pppd reads as it would
 * have; the other refused options would break sshdial's hold on pppd. */
static bool refused(struct import *im, const char *option, unsigned line)
{
	const char *why = pppd_option_refusal(option);
	if (!why || strcmp(option, "call") == 0 || strcmp(option, "file") == 0)
		return false;
	import_error(im, line, "'%s' cannot be used with sshdial: %s", option, why);
	return true;
}

static void pass(struct import *im, const char *word, unsigned line)
{
	config_read_pppd_word(im->r, word, line);
}

static void import_plain(struct import *im, const char *word, unsigned line)
{
	if (dropped(word) || refused(im, word, line))
		return;
	if (strcmp(word, "predictor1") == 0)
		im->compression_line = line;
	pass(im, word, line);
}

static void import_with_value(struct import *im, const char *option, const char *value,
                              unsigned line)
{
	if (strcmp(option, "pty") == 0) {
		take(&im->pty, value, line);
	} else if (strcmp(option, "user") == 0) {
		take(&im->user, value, line);
	} else if (strcmp(option, "linkname") == 0) {
		take(&im->linkname, value, line);
	} else if (strcmp(option, "remotename") == 0) {
		take(&im->remotename, value, line);
	} else if (strcmp(option, "ipparam") == 0) {
		return;
	} else if (strcmp(option, "password") == 0) {
		/* The value is a secret: it goes in no message. */
		import_error(im, line,
		             "password: a secret in a peer file would show on pppd's command line; "
		             "put it in %s as '%s * SECRET' and remove this option",
		             im->pap_secrets, im->user.value ? im->user.value : "USER");
	} else if (!refused(im, option, line)) {
		if (strcmp(option, "deflate") == 0 || strcmp(option, "bsdcomp") == 0)
			im->compression_line = line;
		pass(im, option, line);
		pass(im, value, line);
	}
}

/* One option and, if it takes one, its value; -1 if the text cannot be read further. */
static int import_option(struct import *im, const char *word)
{
	unsigned line = words_line(im->w);
	if (!pppd_option_takes_value(word)) {
		import_plain(im, word, line);
		return 0;
	}
	char *option = xstrdup(word);
	const char *value;
	int n = words_next(im->w, &value);
	if (n == 1)
		import_with_value(im, option, value, line);
	else if (n == 0)
		import_error(im, line, "%s: missing value at the end of the file", option);
	free(option);
	return n < 0 ? -1 : 0;
}

static void feed(struct import *im, const char *keyword, const struct taken *t)
{
	if (t->value)
		config_read_keyword(im->r, keyword, t->value, t->line);
}

static struct peer *import_finish(struct import *im)
{
	if (!im->pty.value) {
		import_error(im, 0,
		             "no 'pty' option: sshdial dials a pppd peer file only through its pty "
		             "command; write an sshdial peer file instead (see sshdial-peer(5))");
		config_read_abort(im->r);
		return NULL;
	}
	feed(im, "pty", &im->pty);
	feed(im, "pap-user", &im->user);
	if (im->user.value)
		config_read_keyword(im->r, "pap-secrets", im->pap_secrets, im->user.line);
	feed(im, "linkname", &im->linkname);
	feed(im, "remotename", &im->remotename);
	/* pppd compresses by default, sshdial does not: keep what the file asked for. */
	if (im->compression_line)
		config_read_keyword(im->r, "compression", "yes", im->compression_line);
	return config_read_finish(im->r);
}

struct peer *pppd_peer_parse(const char *peer_name, const char *file, const char *text,
                             const char *pap_secrets, struct diag *d)
{
	struct import im = {.d = d, .file = file, .pap_secrets = pap_secrets};
	im.r = config_read_init(peer_name, file, d);
	im.w = words_new(text, 1);
	const char *word;
	int n;
	while ((n = words_next(im.w, &word)) == 1)
		if (import_option(&im, word) < 0)
			n = -1;
	struct peer *p = NULL;
	if (n < 0) {
		import_error(&im, words_line(im.w), "%s", words_error(im.w));
		config_read_abort(im.r);
	} else {
		p = import_finish(&im);
	}
	words_free(im.w);
	struct taken *all[] = {&im.pty, &im.user, &im.linkname, &im.remotename};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		free(all[i]->value);
	return p;
}

struct peer *pppd_peer_load_fd(const char *peer_name, int fd, const char *path,
                               const char *pap_secrets, struct diag *d)
{
	size_t len;
	char *text = lines_slurp(fd, path, MAX_PEER_FILE, &len, d);
	if (!text)
		return NULL;
	struct peer *p = lines_check_length(path, text, len, d)
	                     ? pppd_peer_parse(peer_name, path, text, pap_secrets, d)
	                     : NULL;
	/* Wiped: the file may hold a 'password', refused but read. */
	lines_free(text, len);
	return p;
}

struct peer *pppd_peer_load(const char *peer_name, const char *path, const char *pap_secrets,
                            struct diag *d)
{
	int fd = lines_open(path, d);
	if (fd < 0)
		return NULL;
	struct peer *p = pppd_peer_load_fd(peer_name, fd, path, pap_secrets, d);
	close(fd);
	return p;
}
