/* The daemon's control protocol on /run/sshdial/control (a stream socket): one request
 * line from the client, then the daemon's reply until it closes the connection.
 *
 *   request: VERB [+json] [PEER] "\n"     VERB: up down restart status reload
 *   reply:   "status " WORD "\n" BODY     WORD: a ctl_status name; BODY: text to show
 *
 * A request longer than CTL_REQUEST_MAX, or one that does not parse, gets a reply with
 * status "request" and the connection is dropped. */
#ifndef SSHDIAL_CTL_REQUEST_H
#define SSHDIAL_CTL_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#define CTL_SOCKET "/run/sshdial/control"
#define CTL_REQUEST_MAX 128
#define CTL_PEER_MAX 32

enum ctl_verb {
	CTL_UP,
	CTL_DOWN,
	CTL_RESTART,
	CTL_STATUS,
	CTL_RELOAD,
	CTL_VERB_COUNT /* keep last */
};

struct ctl_request {
	enum ctl_verb verb;
	bool json;
	char peer[CTL_PEER_MAX + 1]; /* "" when none */
};

/* How a request ended: the client turns it into its exit status. */
enum ctl_status {
	CTL_OK,
	CTL_CONFIG,    /* unknown peer, peer file errors, usage */
	CTL_PERMANENT, /* the link failed for good */
	CTL_SYSTEM,    /* the system lacks something */
	CTL_DENIED,    /* not allowed for this client */
	CTL_REQUEST,   /* malformed or oversized request */
	CTL_NOT_UP,    /* status PEER: the answer is all there, and the peer is not up */
	CTL_STATUS_COUNT
};

/* Parses buf[0..len), which holds one request line, its newline excluded.  0, or -1 with
 * why set (one line, foreign bytes escaped). */
int ctl_request_parse(const char *buf, size_t len, struct ctl_request *rq, char *why,
                      size_t whylen);
/* The request line with its newline; -1 if it does not fit or rq is invalid. */
int ctl_request_format(const struct ctl_request *rq, char *buf, size_t len);
const char *ctl_verb_name(enum ctl_verb v);
/* Whether the verb changes something (root only) or only reads (status). */
bool ctl_verb_changes(enum ctl_verb v);
const char *ctl_status_name(enum ctl_status s);
/* Reads a reply's first line ("status WORD"), without its newline.  0, or -1. */
int ctl_reply_head_parse(const char *line, size_t len, enum ctl_status *st);

#endif
