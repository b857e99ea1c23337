#include "ctl/ctl_request.h"

#include <stdio.h>
#include <string.h>

#include "lib/text.h"

static const char *const verbs[] = {
    [CTL_UP] = "up",         [CTL_DOWN] = "down",     [CTL_RESTART] = "restart",
    [CTL_STATUS] = "status", [CTL_RELOAD] = "reload",
};
_Static_assert(sizeof(verbs) / sizeof(verbs[0]) == CTL_VERB_COUNT, "a name for each verb");

static const char *const statuses[CTL_STATUS_COUNT] = {
    [CTL_OK] = "ok",         [CTL_CONFIG] = "config", [CTL_PERMANENT] = "permanent",
    [CTL_SYSTEM] = "system", [CTL_DENIED] = "denied", [CTL_REQUEST] = "request",
    [CTL_NOT_UP] = "not-up",
};
_Static_assert(sizeof(statuses) / sizeof(statuses[0]) == CTL_STATUS_COUNT,
               "a name for each status");

const char *ctl_verb_name(enum ctl_verb v)
{
	return verbs[v];
}

bool ctl_verb_changes(enum ctl_verb v)
{
	return v != CTL_STATUS;
}

const char *ctl_status_name(enum ctl_status s)
{
	return statuses[s];
}

/* The next space-separated word of buf[*pos..len): its start and length; 0 at the end. */
static size_t next_word(const char *buf, size_t len, size_t *pos, const char **word)
{
	size_t i = *pos;
	*word = buf + i;
	while (i < len && buf[i] != ' ')
		i++;
	size_t n = i - *pos;
	*pos = i < len ? i + 1 : i;
	return n;
}

static bool word_is(const char *w, size_t n, const char *s)
{
	return n == strlen(s) && memcmp(w, s, n) == 0;
}

/* The request is ours to judge, so its bytes are never echoed: only their position. */
static int refuse(char *why, size_t whylen, const char *what, size_t at)
{
	snprintf(why, whylen, "%s (at byte %zu)", what, at + 1);
	return -1;
}

int ctl_request_parse(const char *buf, size_t len, struct ctl_request *rq, char *why, size_t whylen)
{
	*rq = (struct ctl_request){0};
	if (len > CTL_REQUEST_MAX)
		return refuse(why, whylen, "request too long", CTL_REQUEST_MAX);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] > 0x7e)
			return refuse(why, whylen, "a byte that is not printable ASCII", i);
	for (size_t i = 0; i < len; i++)
		if (buf[i] == ' ' && (i == 0 || i == len - 1 || buf[i - 1] == ' '))
			return refuse(why, whylen, "an empty word (one space between words)", i);
	size_t pos = 0, n;
	const char *w;
	n = next_word(buf, len, &pos, &w);
	size_t v = 0;
	while (v < sizeof(verbs) / sizeof(verbs[0]) && !word_is(w, n, verbs[v]))
		v++;
	if (v == sizeof(verbs) / sizeof(verbs[0]))
		return refuse(why, whylen, "unknown command", 0);
	rq->verb = (enum ctl_verb)v;
	size_t at = pos;
	n = next_word(buf, len, &pos, &w);
	if (n && word_is(w, n, "+json")) {
		if (rq->verb != CTL_STATUS)
			return refuse(why, whylen, "+json goes with status only", at);
		rq->json = true;
		at = pos;
		n = next_word(buf, len, &pos, &w);
	}
	if (n) {
		if (n > CTL_PEER_MAX)
			return refuse(why, whylen, "peer name too long", at);
		memcpy(rq->peer, w, n);
		rq->peer[n] = 0;
		if (!safe_name_valid(rq->peer))
			return refuse(why, whylen, "not a valid peer name", at);
	}
	if (pos < len)
		return refuse(why, whylen, "unexpected word", pos);
	bool wants_peer = rq->verb == CTL_UP || rq->verb == CTL_DOWN || rq->verb == CTL_RESTART;
	if (wants_peer && !rq->peer[0])
		return refuse(why, whylen, "this command needs a peer name", len);
	if (rq->verb == CTL_RELOAD && rq->peer[0])
		return refuse(why, whylen, "reload takes no peer name", at);
	return 0;
}

int ctl_request_format(const struct ctl_request *rq, char *buf, size_t len)
{
	if ((unsigned)rq->verb > CTL_RELOAD || (rq->peer[0] && !safe_name_valid(rq->peer)))
		return -1;
	int n = snprintf(buf, len, "%s%s%s%s\n", verbs[rq->verb], rq->json ? " +json" : "",
	                 rq->peer[0] ? " " : "", rq->peer);
	return n < 0 || (size_t)n >= len || (size_t)n > CTL_REQUEST_MAX + 1 ? -1 : n;
}

int ctl_reply_head_parse(const char *line, size_t len, enum ctl_status *st)
{
	static const char prefix[] = "status ";
	if (len < sizeof(prefix) - 1 || memcmp(line, prefix, sizeof(prefix) - 1) != 0)
		return -1;
	const char *w = line + sizeof(prefix) - 1;
	size_t n = len - (sizeof(prefix) - 1);
	for (int s = 0; s < CTL_STATUS_COUNT; s++) {
		if (word_is(w, n, statuses[s])) {
			*st = (enum ctl_status)s;
			return 0;
		}
	}
	return -1;
}
