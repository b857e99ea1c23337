/* Importing a pppd peer file (/etc/ppp/peers/NAME) as written for the classic recipe:
 * pppd's own syntax, read as one stream of words. */
#ifndef SSHDIAL_PPPD_PEER_H
#define SSHDIAL_PPPD_PEER_H

#include "conf/config.h"
#include "lib/diag.h"

/* Reads the file at path as peer peer_name; 'user' takes its secret from pap_secrets.
 * NULL after adding every error to d as "FILE:LINE: message".  The limits of lines.h
 * apply (regular file, no NUL byte, size); the text is wiped once parsed, since it may
 * hold a refused 'password'.  No check of who could write it: peer_load does that. */
struct peer *pppd_peer_load(const char *peer_name, const char *path, const char *pap_secrets,
                            struct diag *d);
/* The same for a file already open on fd; path names it in messages. */
struct peer *pppd_peer_load_fd(const char *peer_name, int fd, const char *path,
                               const char *pap_secrets, struct diag *d);
/* The same for text already read; file names it in messages. */
struct peer *pppd_peer_parse(const char *peer_name, const char *file, const char *text,
                             const char *pap_secrets, struct diag *d);

#endif
