/* authorized_keys lines for sshdial serve: checking the public key they carry, writing
 * one (sshdial authorize), and finding the line a running serve came from, for
 * "FILE:LINE: message" errors about its options. */
#ifndef SSHDIAL_AUTHORIZED_KEYS_H
#define SSHDIAL_AUTHORIZED_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/strv.h"

/* The options every line gets: 'restrict' (OpenSSH 7.2 and later), or for an older sshd
 * the set it means there: no forwarding of any kind, no pty. */
#define AUTHORIZED_RESTRICT "restrict"
#define AUTHORIZED_RESTRICT_OLD "no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty"

struct err;

/* Checks the text of a .pub file: exactly one "TYPE BASE64 [COMMENT]" line whose base64
 * decodes to a key blob of that type.  Returns "TYPE BASE64[ COMMENT]" (malloc'ed), or
 * NULL with why set: what is wrong and what to give, its where left empty (the caller
 * names the file). */
char *authorized_key_check(const char *text, struct err *why);

struct authorize_spec {
	const char *sshdial;      /* absolute path of the binary the line runs */
	const char *name;         /* the key's name */
	const struct strv *serve; /* further serve arguments ("--address", "192.0.2.5", ...) */
	bool old_sshd;            /* AUTHORIZED_RESTRICT_OLD instead of restrict */
	/* Forwards (permit.h): with either, the line adds port-forwarding and exactly these. */
	const struct strv *permit_open;   /* HOST:PORT each */
	const struct strv *permit_listen; /* [HOST:]PORT each */
	bool forward_only;                /* serve --forward-only: no pppd */
};

/* The line for key (from authorized_key_check), without a newline; NULL with why set
 * when a word would need quoting inside command="..." or by the shell, or a forward is
 * not one (where: its option, permit.h), and what to do. */
char *authorized_keys_line(const struct authorize_spec *s, const char *key, struct err *why);

/* The number of the first line of path whose command="..." is argv word for word; 0
 * when there is none or the file cannot be read. */
unsigned authorized_keys_locate(const char *path, int argc, char *const *argv);

#endif
