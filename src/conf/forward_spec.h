/* One port forward as a peer file writes it ("local [BIND:]PORT HOST:PORT", "remote ...",
 * "socks [BIND:]PORT", "local /path HOST:PORT") and as ssh takes it (-L, -R, -D): pure, so
 * that the fuzzer and the unit tests reach it without a file. */
#ifndef SSHDIAL_FORWARD_SPEC_H
#define SSHDIAL_FORWARD_SPEC_H

#include <stdbool.h>
#include <stddef.h>

enum forward_kind {
	FORWARD_LOCAL,
	FORWARD_REMOTE,
	FORWARD_SOCKS,
	FORWARD_KIND_COUNT /* keep last */
};

struct forward_spec {
	enum forward_kind kind;
	char bind[64];    /* "" for ssh's default; an IPv6 address without brackets */
	unsigned port;    /* 0 when the listener is a unix socket */
	char socket[108]; /* a local forward's unix socket path, or "" */
	char host[256];   /* the target; "" for socks */
	unsigned host_port;
	char ssh_arg[512]; /* what follows -L, -R or -D */
};

struct err;

/* Parses the value of a 'forward' line.  False with why set when it is not one: what is
 * wrong and, as its fix, what to write; its where left empty (the caller names the file
 * and line). */
bool forward_spec_parse(const char *text, struct forward_spec *out, struct err *why);
/* "-L", "-R" or "-D". */
const char *forward_spec_option(const struct forward_spec *f);
/* "local", "remote" or "socks". */
const char *forward_kind_name(enum forward_kind k);

#endif
