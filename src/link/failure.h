/* Why a dial attempt ended, and whether dialing again can help. */
#ifndef SSHDIAL_FAILURE_H
#define SSHDIAL_FAILURE_H

#include "conf/config.h"
#include "lib/err.h"

/* Ordered by severity: a more severe verdict replaces a milder one. */
enum failure_class {
	FAILURE_NONE,
	FAILURE_TRANSIENT, /* network, timeout, dead path: dial again */
	FAILURE_SYSTEM,    /* the system lacks something: pppd, kernel PPP, its lock dir */
	FAILURE_CONFIG,    /* pppd refused its options, a route conflicts */
	FAILURE_PERMANENT, /* authentication, host key, the server's setup: dialing won't help */
};
/* Not an enumerator, so that switches over the classes stay checked for completeness:
 * follow the last class. */
#define FAILURE_CLASS_COUNT (FAILURE_PERMANENT + 1)

#define FAILURE_LINE_MAX 200

/* ssh's stderr carries ssh's own messages and the remote command's alike, so a line alone
 * decides nothing: it is noted, and ssh's exit status says whose words it was. */
struct failure_ssh_notes {
	char last[FAILURE_LINE_MAX];             /* the last line, debug chatter aside */
	char server_pppd[FAILURE_LINE_MAX * 2];  /* the server's pppd refusing to start */
	char server_serve[FAILURE_LINE_MAX * 2]; /* sshdial serve's refusal, its first line */
	bool hostkey_unknown, hostkey_changed;   /* ssh's lines before its verdict */
	bool hostkey_failed;                     /* "Host key verification failed." seen */
	bool timed_out; /* ssh's own connect or banner timeout: the server may be slow, not gone */
	char hostkey_host[FAILURE_LINE_MAX]; /* the host that ssh's message names */
};

/* A verdict is what happened (reason) and, apart, what to do about it (fix: empty when
 * the reason says all); a user reads them as one line, "REASON; FIX". */
struct failure {
	enum failure_class cls;
	char reason[640];
	char fix[ERR_FIX_MAX]; /* as a link's last failure keeps it: struct err's fix */
	struct failure_ssh_notes ssh;
	char pppd_lock[FAILURE_LINE_MAX]; /* pppd's "Can't create lock file ..." */
	char pppd_dev[FAILURE_LINE_MAX];  /* pppd's "Couldn't open the /dev/ppp device: ..." */
	bool pap_rejected;                /* pppd said "PAP authentication failed" */
	const char *host; /* the server this attempt dialed, for messages; NULL: peer_host */
};

/* How ssh came to end, besides its wait status. */
enum {
	FAILURE_SSH_SIGNALLED = 1 << 0, /* sshdial signalled it: a 255 is not ssh's verdict */
	FAILURE_SSH_WAS_UP = 1 << 1,    /* the link came up: ssh had logged in long before */
	/* transport frames: ssh's stdout was the stream of frames, so ssh ending without a
	 * verdict of its own means the stream ended without a refusal from the server */
	FAILURE_SSH_FRAMES = 1 << 2,
};

/* The fix of a refusal by the server's sshdial serve, whichever way it came. */
#define FAILURE_FIX_ON_SERVER "fix this on the server (its log says the same)"

/* "REASON; FIX" at most, NUL included. */
#define FAILURE_TEXT_MAX (sizeof(((struct failure *)0)->reason) + 2 + ERR_FIX_MAX)

void failure_clear(struct failure *f);
/* Sets the verdict when cls is more severe than the one f holds (a later, milder one
 * leaves it): the reason printf-formatted, no fix. */
void failure_set(struct failure *f, enum failure_class cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same with what to do (fix: NULL or empty for none), kept apart from the reason. */
void failure_set_fix(struct failure *f, enum failure_class cls, const char *fix, const char *fmt,
                     ...) __attribute__((format(printf, 4, 5)));
/* Writes the text a user reads, "REASON; FIX" (or REASON), into buf (len > 0); returns
 * buf, for use as a printf argument. */
const char *failure_format(const struct failure *f, char *buf, size_t len);
/* Notes one line of ssh's stderr; the verdict waits for failure_from_ssh_exit. */
void failure_from_ssh_line(struct failure *f, const char *line);
/* Reads ssh's wait status together with the lines noted (how: FAILURE_SSH_* flags). */
void failure_from_ssh_exit(struct failure *f, const struct peer *p, int wstatus, unsigned how);
/* Reads one line of pppd's log for a verdict. */
void failure_from_pppd_line(struct failure *f, const char *line);
/* Reads pppd's wait status (its exit codes are documented in pppd(8)). */
void failure_from_pppd_exit(struct failure *f, const struct peer *p, int wstatus);
const char *failure_class_name(enum failure_class cls);

#endif
