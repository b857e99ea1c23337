/* The client's check of the server's greeting (greeting.h). */
#include "frames/greeting.h"

#include <stdlib.h>
#include <string.h>

#include "frames/frame_relay.h"
#include "lib/text.h"
#include "lib/xalloc.h"

#define REFUSAL_MAX 1024

struct greeting {
	const char *where;
	size_t magic_have; /* bytes of FRAME_MAGIC matched so far */
	uint8_t seen[32];  /* the first bytes, for the message on a mismatch */
	size_t seen_len;
	char *refusal;       /* FRAME_REFUSED's reason so far, once its start matched */
	size_t refusal_len;  /* bytes of the reason in refusal */
	size_t refusal_mark; /* bytes of FRAME_REFUSED seen */
};

struct greeting *greeting_new(const char *where)
{
	struct greeting *g = xcalloc(1, sizeof(*g));
	g->where = where;
	return g;
}

void greeting_free(struct greeting *g)
{
	if (!g)
		return;
	free(g->refusal);
	free(g);
}

bool greeting_done(const struct greeting *g)
{
	return g->magic_have == sizeof(FRAME_MAGIC) - 1;
}

/* The server's refusal (its line so far, at the stream's end). */
static void refused(const struct greeting *g, struct err *e)
{
	err_set(e, g->where, NULL, "the server refused the link");
	err_cause(e, FRAME_RELAY_REFUSED, g->refusal_len ? g->refusal : "(it gave no reason)");
}

bool greeting_refused_at_end(const struct greeting *g, struct err *e)
{
	if (!g->refusal)
		return false;
	refused(g, e);
	return true;
}

/* FRAME_REFUSED's line, from where its marker stopped matching FRAME_MAGIC; the relay ends
 * at its newline.  Control characters (none from sshdial serve, which escapes them) become
 * '?'. */
static long take_refusal(struct greeting *g, const uint8_t *buf, size_t len, struct err *e)
{
	const size_t mark = sizeof(FRAME_REFUSED) - 1;
	for (size_t i = 0; i < len; i++) {
		if (g->refusal_mark < mark) {
			g->refusal_mark++; /* its start matched: the rest is taken as it comes */
			continue;
		}
		if (buf[i] == '\n') {
			refused(g, e);
			return GREETING_END;
		}
		if (g->refusal_len < REFUSAL_MAX - 1)
			g->refusal[g->refusal_len++] =
			    buf[i] < 0x20 || buf[i] == 0x7f ? '?' : (char)buf[i];
		g->refusal[g->refusal_len] = '\0';
	}
	return GREETING_MORE;
}

/* Not FRAME_MAGIC: the message quotes what the server said (the rest of this read too). */
static long mismatch(struct greeting *g, const uint8_t *buf, size_t len, size_t i, struct err *e)
{
	for (size_t j = i + 1; j < len && g->seen_len < sizeof(g->seen); j++)
		g->seen[g->seen_len++] = buf[j];
	char quoted[4 * sizeof(g->seen) + 1];
	quote_bytes(quoted, sizeof(quoted), g->seen, g->seen_len);
	/* 0x7e first: HDLC-framed PPP, what pppd says on a tty or with notty. */
	err_set(e, g->where,
	        "set 'transport pty' for this peer, or make the server run sshdial "
	        "serve with the frame transport (sshdial-serve(8))",
	        g->seen[0] == 0x7e ? "the server did not answer with sshdial's "
	                             "frame transport: it sent "
	                             "plain PPP ('%s'), as pppd or an sshdial "
	                             "serve that could not use "
	                             "the frame transport does (its log says why)"
	                           : "the server did not answer with sshdial's "
	                             "frame transport: it sent "
	                             "'%s'",
	        quoted);
	return GREETING_END;
}

long greeting_feed(struct greeting *g, const uint8_t *buf, size_t len, struct err *e)
{
	if (g->refusal)
		return take_refusal(g, buf, len, e);
	const size_t want = sizeof(FRAME_MAGIC) - 1;
	size_t i = 0;
	for (; i < len && g->magic_have < want; i++) {
		if (g->seen_len < sizeof(g->seen))
			g->seen[g->seen_len++] = buf[i];
		if (buf[i] != (uint8_t)FRAME_MAGIC[g->magic_have] &&
		    strncmp(FRAME_MAGIC, FRAME_REFUSED, g->magic_have) == 0 &&
		    buf[i] == (uint8_t)FRAME_REFUSED[g->magic_have]) {
			g->refusal = xcalloc(1, REFUSAL_MAX);
			g->refusal_mark = g->magic_have;
			return take_refusal(g, buf + i, len - i, e);
		}
		if (buf[i] != (uint8_t)FRAME_MAGIC[g->magic_have])
			return mismatch(g, buf, len, i, e);
		g->magic_have++;
	}
	return (long)i;
}
