/* Our own PAP secret from a pppd secrets file (/etc/ppp/pap-secrets), found as pppd finds
 * it: lines "client server secret [addresses...]" in pppd's word syntax. */
#ifndef SSHDIAL_PAP_SECRETS_H
#define SSHDIAL_PAP_SECRETS_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/diag.h"

/* Copies the secret for client (our PAP user name) on server (the remotename, or NULL
 * when none is given) into buf, NUL-terminated, and returns its length.  The entry
 * chosen is pppd's: the client must be the name or '*', the server the remotename or
 * '*' (with no remotename, any server), and a named client, then a named server, beats
 * '*'; among equals the first wins.  A secret "@/path" is the first word of that file.
 * Files readable or writable by group or others are refused.  On failure returns -1
 * after adding a message to d that never contains a secret. */
ssize_t pap_secrets_lookup(const char *path, const char *client, const char *server, char *buf,
                           size_t size, struct diag *d);

#endif
