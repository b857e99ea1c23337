/* One jump host as a peer file writes it: [USER@]HOST[:PORT], HOST a name or an address
 * ([ADDR] for IPv6 with a port). */
#ifndef SSHDIAL_JUMP_SPEC_H
#define SSHDIAL_JUMP_SPEC_H

#include <stdbool.h>
#include <stddef.h>

struct jump_spec {
	char user[64]; /* "" for ssh's default */
	char host[254];
	unsigned port; /* 0 for ssh's default */
};

/* A host name as ssh may be given one on a command line or in a ProxyCommand: letters,
 * digits, '.', '-' and '_', not starting with '-' or '.', or an IPv6 address.  What a
 * shell would act on ($, `, ;, |, quotes, spaces) is none of these. */
bool jump_spec_host_valid(const char *h);

struct err;

/* False with why set: what is wrong and, as its fix, what to write; its where left empty
 * (the caller names the file and line). */
bool jump_spec_parse(const char *text, struct jump_spec *out, struct err *why);

#endif
