/* A peer's PAP secret, read when it is dialed (not when its file is loaded), so that it
 * lives in memory only while it is handed to pppd. */
#ifndef SSHDIAL_SECRET_H
#define SSHDIAL_SECRET_H

#include <stddef.h>
#include <sys/types.h>

#include "conf/config.h"
#include "lib/diag.h"

/* pppd's MAXSECRETLEN: its passwordfd plugin reads no more than this, less one. */
#define SECRET_MAX 256

/* Copies the peer's secret into buf (NUL-terminated) and returns its length; the caller
 * wipes buf with explicit_bzero.  The file's permissions are checked again here: they may
 * have changed since the peer was loaded.  -1 on failure, after adding a message that
 * names the peer and the file to d (never the secret). */
ssize_t secret_read_diag(const struct peer *p, char *buf, size_t size, struct diag *d);
/* The same, logging the messages with log_error. */
ssize_t secret_read(const struct peer *p, char *buf, size_t size);

#endif
