/* The keyword engine that sshdial's configuration readers share (peer files, server.conf,
 * a key's authorized_keys options).  Each reader describes its keywords in a table; the
 * engine splits a line, finds its keyword, and turns the value into a typed one, saying
 * what is wrong in the same "FILE:LINE: message" words for every reader: an empty value,
 * a control character, a keyword given twice, a value not of the keyword's kind, and the
 * keyword a typo was meant to be.  What a value means beyond its kind (a route that is
 * the default route, a host with '@' in it) stays with the reader, in its setters. */
#ifndef SSHDIAL_KEYWORD_H
#define SSHDIAL_KEYWORD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/cidr.h"
#include "lib/diag.h"

/* What a keyword's value must be; each kind has its own message when it is not. */
enum kw_kind {
	KW_TEXT,    /* anything: every value is non-empty, with no control character but tab */
	KW_NAME,    /* one word, not starting with '-': an ssh or account argument */
	KW_PATH,    /* absolute; with KW_TILDE, '~' too */
	KW_BOOL,    /* yes/no, true/false, on/off */
	KW_PORT,    /* a TCP port, 1-65535 */
	KW_NUMBER,  /* a whole number from min to max */
	KW_SECONDS, /* 0.1 to 3600 seconds, up to three decimals: kept in milliseconds */
	KW_NETWORK, /* ADDRESS/PREFIX, IPv4 or IPv6, no host bits */
	KW_IPV4,    /* an IPv4 address */
};

enum kw_flags {
	KW_REPEATS = 1, /* may be given more than once */
	/* Several words are taken as the line's raw text from the first to the last, so that
	 * the quoting inside reaches sh, ssh or pppd as written; a single word is unquoted. */
	KW_REST_OF_LINE = 2,
	KW_TILDE = 4, /* a KW_PATH may start with '~' (ssh expands it) */
};

struct keyword {
	const char *name;
	enum kw_kind kind;
	const char *usage; /* how to write it: the help that messages and the manual show */
	unsigned flags;
	/* Where it may be given, in the reader's own bits (0: anywhere); the reader checks
	 * it, since only the reader can say where the keyword belongs instead. */
	unsigned places;
	unsigned min, max; /* KW_NUMBER's bounds */
};

struct kw_table {
	const struct keyword *keywords;
	size_t count;
	const char *extra_hint; /* what "unexpected 'b' after 'a'; ..." goes on to say */
};

/* Where a value is read, for messages: line 0 is the file as a whole, as in diag_add. */
struct kw_place {
	struct diag *d;
	const char *file;
	unsigned line;
};

void kw_error(const struct kw_place *at, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The same with strerror(errnum) after the message. */
void kw_errno(const struct kw_place *at, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The index of name (any case) in t, or -1. */
int kw_find(const struct kw_table *t, const char *name);
/* The keyword of t that name is a typo of (at most two edits away), or NULL. */
const char *kw_closest(const struct kw_table *t, const char *name);
/* The same among names (lower case, n of them): for sshdial's own commands. */
const char *kw_closest_name(const char *const *names, size_t n, const char *name);

/* One line split into its keyword and value. */
struct kw_line {
	int k;       /* index in the table; -1 for an unknown keyword */
	char *key;   /* as written */
	char *value; /* unquoted, or the raw rest of the line (KW_REST_OF_LINE) */
};

/* 1: a known keyword and its value are in *out; 0: a blank or comment line; -1: nothing to
 * apply, after a message (a quoting error, no value, extra words), except for an unknown
 * keyword (out->k < 0, out->key set), which the reader reports with hints of its own.
 * kw_line_free() after any of them. */
int kw_read_line(const struct kw_table *t, const struct kw_place *at, const char *line,
                 struct kw_line *out);
void kw_line_free(struct kw_line *l);

/* A value of the kind its keyword says; text is the value as given. */
struct kw_value {
	const char *text;
	bool yes;
	unsigned number; /* KW_PORT, KW_NUMBER; KW_SECONDS in milliseconds */
	struct cidr network;
	struct in_addr address;
};

/* Takes keyword k's value v at `at`: refuses a second one unless the keyword repeats
 * (*first_line is where it was first given, 0 for never, and is set here), then checks v
 * is of its kind.  True with *out filled when the reader's setter may use it. */
bool kw_take(const struct kw_table *t, int k, const struct kw_place *at, unsigned *first_line,
             const char *v, struct kw_value *out);

/* Networks a repeating keyword gives, each once: "route" in either file. */
struct kw_networks {
	struct cidr *nets;
	unsigned *lines;
	size_t count;
};
/* Adds v's network, or says where it was first given. */
bool kw_networks_add(struct kw_networks *n, const char *name, const struct kw_place *at,
                     const struct kw_value *v);
void kw_networks_free(struct kw_networks *n);

#endif
