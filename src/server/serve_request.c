#include "server/serve_request.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/words.h"

static const char *const accepted[][2] = {
    {"false", NULL}, {"pppd", NULL}, {"/usr/sbin/pppd", NULL}, {"sshdial", "serve"}};

enum serve_request serve_request_classify(const char *command)
{
	if (!command)
		return SERVE_REQUEST_PPP;
	const char *why;
	struct strv *w = words_split(command, &why);
	if (!w)
		return SERVE_REQUEST_IGNORED;
	size_t n = strv_len(w);
	bool ok = n == 0;
	for (size_t i = 0; !ok && i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		size_t want = accepted[i][1] ? 2 : 1;
		ok = n == want && strcmp(strv_get(w, 0), accepted[i][0]) == 0 &&
		     (want == 1 || strcmp(strv_get(w, 1), accepted[i][1]) == 0);
	}
	strv_free(w);
	return ok ? SERVE_REQUEST_PPP : SERVE_REQUEST_IGNORED;
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
