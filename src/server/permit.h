/* The forwards a key is given in authorized_keys: permitopen="HOST:PORT" (what a local
 * forward of the client may reach) and permitlisten="[HOST:]PORT" (where a remote forward
 * may listen), checked before they go in the line. */
#ifndef SSHDIAL_PERMIT_H
#define SSHDIAL_PERMIT_H

#include <stdbool.h>

struct err;

/* HOST:PORT, HOST a name, an IPv4 address or [IPv6], PORT 1-65535.  False with why set:
 * where the option and its value ("--permit-open 'x'"), what is wrong, the form to give. */
bool permit_open_valid(const char *v, struct err *why);
/* PORT or HOST:PORT, the same forms; why as for permit_open_valid. */
bool permit_listen_valid(const char *v, struct err *why);

/* What a key with forwards but no --permit-listen gets as its only listen permission:
 * sshd has no "none" there, and port-forwarding alone would allow any.  The name is in
 * the reserved .invalid domain (RFC 2606) and port 1 is privileged: nothing any
 * non-root login can listen on. */
#define PERMIT_LISTEN_NOTHING "sshdial-no-listen.invalid:1"
/* The same for local forwards: a key with --permit-listen but no --permit-open gets this
 * as its only open permission, since without any permitopen port-forwarding would let
 * it reach every TCP port (-L, -W, -D).  The name never resolves. */
#define PERMIT_OPEN_NOTHING "sshdial-no-open.invalid:1"

#endif
