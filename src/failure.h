/* Why a dial attempt ended, and whether dialing again can help. */
#ifndef SSHDIAL_FAILURE_H
#define SSHDIAL_FAILURE_H

#include "config.h"

/* Ordered by severity: a more severe verdict replaces a milder one. */
enum failure_class {
	FAILURE_NONE,
	FAILURE_TRANSIENT, /* network, timeout, dead path: dial again */
	FAILURE_SYSTEM,    /* the system lacks something: pppd, kernel PPP */
	FAILURE_CONFIG,    /* pppd refused its options, a route conflicts */
	FAILURE_PERMANENT, /* authentication or host key: dialing again won't help */
};

struct failure {
	enum failure_class cls;
	char reason[320];
};

void failure_clear(struct failure *f);
void failure_set(struct failure *f, enum failure_class cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reads one line of ssh's stderr for a verdict. */
void failure_from_ssh_line(struct failure *f, const struct peer *p, const char *line);
/* Reads one line of pppd's log for a verdict. */
void failure_from_pppd_line(struct failure *f, const char *line);
/* Reads pppd's wait status (its exit codes are documented in pppd(8)). */
void failure_from_pppd_exit(struct failure *f, const struct peer *p, int wstatus);
/* The exit status of `sshdial call` for this verdict (enum exit_status). */
int failure_exit_status(const struct failure *f);
const char *failure_class_name(enum failure_class cls);

#endif
