/* The log-file of server.conf, opened once by each process of the server (the forced
 * command and the hook) and added to syslog as a second destination of every message. */
#ifndef SSHDIAL_SERVE_LOG_H
#define SSHDIAL_SERVE_LOG_H

#include <stdbool.h>

#include "server/server_conf.h"

enum serve_log_who {
	SERVE_LOG_SESSION, /* serve, as the login account: creates the file (0640); a refusal
	                    * is also told to the client on stderr */
	SERVE_LOG_HOOK,    /* the hook, as root: appends only to an existing plain file with one
	                    * link, never creates one */
};

/* Opens server.conf's log-file (none: false) for appending, only when it is a regular file:
 * a FIFO would hold up the link (O_NONBLOCK: opening one does not wait for a reader), a
 * symbolic link could point root at another file, a device is no log.  Otherwise logs why,
 * with the file and what to do, and returns false: messages then go to syslog only.  True:
 * the file is in use (and, for the session, pppd may be given it too). */
bool serve_log_open(const struct server_conf *c, enum serve_log_who who);

#endif
