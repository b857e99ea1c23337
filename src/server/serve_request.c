#include "server/serve_request.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/words.h"

/* Word for word; the rest of a row is NULL. */
static const struct {
	const char *words[4];
	enum serve_request request;
} accepted[] = {
    {{"false"}, SERVE_REQUEST_PPP},
    {{"pppd"}, SERVE_REQUEST_PPP},
    {{"/usr/sbin/pppd"}, SERVE_REQUEST_PPP},
    {{"sshdial", "serve"}, SERVE_REQUEST_PPP},
    {{"sshdial", "serve", "--transport", "pty"}, SERVE_REQUEST_PPP},
    {{"sshdial", "serve", "--transport", "frames"}, SERVE_REQUEST_FRAMES},
    {{"sshdial", "serve", "--probe"}, SERVE_REQUEST_PROBE},
};

static bool same_words(const struct strv *w, const char *const words[4])
{
	size_t n = 0;
	while (n < 4 && words[n])
		n++;
	if (strv_len(w) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(strv_get(w, i), words[i]) != 0)
			return false;
	return true;
}

enum serve_request serve_request_classify(const char *command)
{
	if (!command)
		return SERVE_REQUEST_PPP;
	const char *why;
	struct strv *w = words_split(command, &why);
	if (!w)
		return SERVE_REQUEST_IGNORED;
	enum serve_request r = strv_len(w) == 0 ? SERVE_REQUEST_PPP : SERVE_REQUEST_IGNORED;
	for (size_t i = 0; r == SERVE_REQUEST_IGNORED && i < sizeof(accepted) / sizeof(accepted[0]);
	     i++)
		if (same_words(w, accepted[i].words))
			r = accepted[i].request;
	strv_free(w);
	return r;
}

void serve_request_quote(const char *command, char *buf, size_t len)
{
	size_t o = 0;
	if (len < 8) {
		if (len)
			buf[0] = '\0';
		return;
	}
	for (const unsigned char *s = (const unsigned char *)command; *s; s++) {
		char one[5];
		int n = *s < 0x20 || *s == 0x7f ? snprintf(one, sizeof(one), "\\x%02x", *s)
		                                : snprintf(one, sizeof(one), "%c", *s);
		if (o + (size_t)n + 4 > len) {
			memcpy(buf + o, "...", 4);
			return;
		}
		memcpy(buf + o, one, (size_t)n);
		o += (size_t)n;
	}
	buf[o] = '\0';
}
