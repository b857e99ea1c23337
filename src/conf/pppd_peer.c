#include "conf/pppd_peer.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/keyword.h"
#include "lib/lines.h"
#include "conf/pppd_options.h"
#include "lib/words.h"
#include "lib/xalloc.h"

/* pppd peer files are a few lines; anything this big is not one. */
#define MAX_PEER_FILE LINES_MAX_FILE

/* The options sshdial takes over from the file, and the keyword each becomes; as in
 * pppd, the last one given wins. */
enum { TAKE_PTY, TAKE_USER, TAKE_LINKNAME, TAKE_REMOTENAME, TAKE_COUNT };
static const char *const taken_options[TAKE_COUNT][2] = {
    [TAKE_PTY] = {"pty", "pty"},
    [TAKE_USER] = {"user", "pap-user"},
    [TAKE_LINKNAME] = {"linkname", "linkname"},
    [TAKE_REMOTENAME] = {"remotename", "remotename"},
};

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
	struct taken taken[TAKE_COUNT];
	unsigned compression_line; /* where the file asks for compression, if it does */
	unsigned usepeerdns_line;  /* the same for usepeerdns, which becomes 'dns yes' */
};

static struct kw_place place(const struct import *im, unsigned line)
{
	return (struct kw_place){im->d, im->file, line};
}

static int taken_option(const char *option)
{
	for (int t = 0; t < TAKE_COUNT; t++)
		if (strcmp(option, taken_options[t][0]) == 0)
			return t;
	return -1;
}

static void take(struct taken *t, const char *value, unsigned line)
{
	free(t->value);
	t->value = xstrdup(value);
	t->line = line;
}

/* Options sshdial does itself, whatever the file says, and what does their job: `check`
 * names each one dropped (peer_notes). */
static const char *const redial = "sshdial redials the link itself (call and the daemon "
                                  "dial again after 1 to 30 s, until stopped)";
static const char *const foreground = "sshdial runs pppd in the foreground and supervises it";
static const struct {
	const char *option;
	const char *instead;
} drops[] = {
    {"nodetach", foreground},
    {"updetach", foreground},
    {"detach", foreground},
    {"persist", redial},
    {"nopersist", redial},
    {"demand", redial},
    {"maxfail", redial},
    {"holdoff", redial},
    {"defaultroute", "an sshdial peer file's 'route-all yes' sends all traffic through the "
                     "link (the ssh connection kept outside it)"},
    {"usepeerdns", "taken as 'dns yes': sshdial sets the server's DNS servers while the link "
                   "is up and restores the resolver after; /etc/ppp/ip-up.d gets DNS1 and DNS2"},
    {"ipparam", "sshdial passes the peer name as ipparam (PPP_IPPARAM in /etc/ppp/ip-up.d)"},
};

static const char *drop_reason(const char *option)
{
	if (strncmp(option, "/dev/", 5) == 0)
		return "sshdial gives pppd its own pseudo-terminal";
	for (size_t i = 0; i < sizeof(drops) / sizeof(drops[0]); i++)
		if (strcmp(option, drops[i].option) == 0)
			return drops[i].instead;
	return NULL;
}

/* True (after a note) when sshdial does the option's job itself. */
static bool dropped(struct import *im, const char *option, const char *value, unsigned line)
{
	const char *instead = drop_reason(option);
	if (!instead)
		return false;
	config_read_note(im->r, line, "'%s%s%s' dropped: %s", option, value ? " " : "",
	                 value ? value : "", instead);
	if (strcmp(option, "usepeerdns") == 0)
		im->usepeerdns_line = line;
	return true;
}

/* 'call' and 'file' name further privileged pppd files, which pppd reads as it would
 * have; the other refused options would break sshdial's hold on pppd. */
static bool refused(struct import *im, const char *option, unsigned line)
{
	const char *why = pppd_option_refusal(option);
	if (!why || strcmp(option, "call") == 0 || strcmp(option, "file") == 0)
		return false;
	const struct kw_place at = place(im, line);
	kw_error(&at, "'%s' cannot be used with sshdial: %s", option, why);
	return true;
}

static void pass(struct import *im, const char *word, unsigned line)
{
	config_read_pppd_word(im->r, word, line);
}

static void import_plain(struct import *im, const char *word, unsigned line)
{
	if (dropped(im, word, NULL, line) || refused(im, word, line))
		return;
	if (strcmp(word, "predictor1") == 0)
		im->compression_line = line;
	pass(im, word, line);
}

static void import_with_value(struct import *im, const char *option, const char *value,
                              unsigned line)
{
	const struct kw_place at = place(im, line);
	const char *user = im->taken[TAKE_USER].value;
	int t = taken_option(option);
	if (t >= 0) {
		take(&im->taken[t], value, line);
	} else if (dropped(im, option, value, line)) {
		return;
	} else if (strcmp(option, "password") == 0) {
		/* The value is a secret: it goes in no message. */
		kw_error(&at,
		         "password: a secret in a peer file would show on pppd's command line; put "
		         "it in %s as '%s * SECRET' and remove this option",
		         im->pap_secrets, user ? user : "USER");
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
	const struct kw_place at = place(im, line);
	if (n == 0)
		kw_error(&at, "%s: missing value at the end of the file", option);
	free(option);
	return n < 0 ? -1 : 0;
}

static struct peer *import_finish(struct import *im)
{
	const struct kw_place whole = place(im, 0);
	if (!im->taken[TAKE_PTY].value) {
		kw_error(&whole, "no 'pty' option: sshdial dials a pppd peer file only through its "
		                 "pty command; write an sshdial peer file instead (see "
		                 "sshdial-peer(5))");
		config_read_abort(im->r);
		return NULL;
	}
	for (int t = 0; t < TAKE_COUNT; t++) {
		const struct taken *given = &im->taken[t];
		if (!given->value)
			continue;
		config_read_keyword(im->r, taken_options[t][1], given->value, given->line);
		if (t == TAKE_USER)
			config_read_keyword(im->r, "pap-secrets", im->pap_secrets, given->line);
	}
	/* pppd compresses by default, sshdial does not: keep what the file asked for. */
	if (im->compression_line)
		config_read_keyword(im->r, "compression", "yes", im->compression_line);
	if (im->usepeerdns_line)
		config_read_keyword(im->r, "dns", "yes", im->usepeerdns_line);
	config_read_pppd_file(im->r);
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
		const struct kw_place at = place(&im, words_line(im.w));
		kw_error(&at, "%s", words_error(im.w));
		config_read_abort(im.r);
	} else {
		p = import_finish(&im);
	}
	words_free(im.w);
	for (int t = 0; t < TAKE_COUNT; t++)
		free(im.taken[t].value);
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
