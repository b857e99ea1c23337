#include "conf/forward_spec.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/err.h"
#include "lib/words.h"

#define USAGE                                                                                      \
	"write 'forward local [BIND:]PORT HOST:PORT', 'forward local /PATH HOST:PORT', "           \
	"'forward remote [BIND:]PORT HOST:PORT' or 'forward socks [BIND:]PORT'"

static const char *const kind_names[] = {
    [FORWARD_LOCAL] = "local", [FORWARD_REMOTE] = "remote", [FORWARD_SOCKS] = "socks"};
_Static_assert(sizeof(kind_names) / sizeof(kind_names[0]) == FORWARD_KIND_COUNT,
               "a name for each forward kind");

const char *forward_kind_name(enum forward_kind k)
{
	return kind_names[k];
}

const char *forward_spec_option(const struct forward_spec *f)
{
	return f->kind == FORWARD_LOCAL ? "-L" : f->kind == FORWARD_REMOTE ? "-R" : "-D";
}

static bool parse_port(const char *s, size_t n, unsigned *out)
{
	if (n == 0 || n > 5 || strspn(s, "0123456789") < n)
		return false;
	unsigned long v = strtoul(s, NULL, 10);
	if (v < 1 || v > 65535)
		return false;
	*out = (unsigned)v;
	return true;
}

/* A host name as ssh takes it (letters, digits, '.', '-', '_'), or an IP address. */
static bool host_valid(const char *h)
{
	struct in6_addr a6;
	if (inet_pton(AF_INET6, h, &a6) == 1)
		return true;
	size_t n = strlen(h);
	return n > 0 && n < 254 && h[0] != '-' && h[0] != '.' &&
	       strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") == n;
}

/* Splits "[ADDR]:PORT", "ADDR:PORT" or, when port_only, "PORT" into its parts.  The address
 * is copied without brackets. */
static bool split_host_port(const char *s, bool port_only, char *host, size_t hlen, unsigned *port)
{
	const char *colon;
	host[0] = 0;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':' || (size_t)(close - s - 1) >= hlen)
			return false;
		memcpy(host, s + 1, (size_t)(close - s - 1));
		host[close - s - 1] = 0;
		struct in6_addr a6;
		if (inet_pton(AF_INET6, host, &a6) != 1)
			return false;
		colon = close + 1;
	} else if ((colon = strrchr(s, ':'))) {
		if ((size_t)(colon - s) >= hlen || memchr(s, ':', (size_t)(colon - s)))
			return false;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = 0;
		if (!host_valid(host))
			return false;
	} else if (port_only) {
		return parse_port(s, strlen(s), port);
	} else {
		return false;
	}
	return parse_port(colon + 1, strlen(colon + 1), port);
}

/* Sets why to what is wrong (fmt with arg) and the forms to write; returns false. */
__attribute__((format(printf, 2, 0))) static bool fail(struct err *why, const char *fmt,
                                                       const char *arg)
{
	err_set(why, NULL, USAGE, fmt, arg);
	return false;
}

/* ssh reads '[' ']' around an IPv6 address in a forward. */
static void format_addr(char *buf, size_t len, const char *host, unsigned port, bool sep)
{
	if (strchr(host, ':'))
		snprintf(buf, len, "[%s]:%u%s", host, port, sep ? ":" : "");
	else if (host[0])
		snprintf(buf, len, "%s:%u%s", host, port, sep ? ":" : "");
	else
		snprintf(buf, len, "%u%s", port, sep ? ":" : "");
}

static bool parse_listen(const char *w, struct forward_spec *out, struct err *why)
{
	if (w[0] == '/') {
		if (out->kind != FORWARD_LOCAL)
			return fail(why, "'%s': only a local forward listens on a unix socket", w);
		if (strlen(w) >= sizeof(out->socket) || strchr(w, ':'))
			return fail(
			    why, "'%s': a unix socket path is at most 107 bytes, without ':'", w);
		snprintf(out->socket, sizeof(out->socket), "%s", w);
		return true;
	}
	if (!split_host_port(w, true, out->bind, sizeof(out->bind), &out->port))
		return fail(why,
		            "'%s' is not [BIND:]PORT with PORT from 1 to 65535 and BIND an address "
		            "or name",
		            w);
	return true;
}

static bool parse_words(const struct strv *w, struct forward_spec *out, struct err *why)
{
	size_t n = strv_len(w);
	const char *kind = n ? strv_get(w, 0) : "";
	if (strcmp(kind, "local") == 0)
		out->kind = FORWARD_LOCAL;
	else if (strcmp(kind, "remote") == 0)
		out->kind = FORWARD_REMOTE;
	else if (strcmp(kind, "socks") == 0)
		out->kind = FORWARD_SOCKS;
	else
		return fail(why, "'%s' is not a kind of forward", kind);
	size_t want = out->kind == FORWARD_SOCKS ? 2 : 3;
	if (n != want)
		return fail(why, "%s",
		            want == 2
		                ? "a socks forward takes one listening [BIND:]PORT"
		                : "this forward takes a listening port and a target HOST:PORT");
	if (!parse_listen(strv_get(w, 1), out, why))
		return false;
	if (want == 3 &&
	    !split_host_port(strv_get(w, 2), false, out->host, sizeof(out->host), &out->host_port))
		return fail(why, "'%s' is not a target HOST:PORT with PORT from 1 to 65535",
		            strv_get(w, 2));
	return true;
}

bool forward_spec_parse(const char *text, struct forward_spec *out, struct err *why)
{
	memset(out, 0, sizeof(*out));
	const char *bad;
	struct strv *w = words_split(text, &bad);
	if (!w) {
		err_set(why, NULL, NULL, "%s", bad);
		return false;
	}
	bool ok = parse_words(w, out, why);
	strv_free(w);
	if (!ok)
		return false;
	char listen[300], target[300] = "";
	if (out->socket[0])
		snprintf(listen, sizeof(listen), "%s%s", out->socket,
		         out->kind == FORWARD_SOCKS ? "" : ":");
	else
		format_addr(listen, sizeof(listen), out->bind, out->port,
		            out->kind != FORWARD_SOCKS);
	if (out->kind != FORWARD_SOCKS)
		format_addr(target, sizeof(target), out->host, out->host_port, false);
	int n = snprintf(out->ssh_arg, sizeof(out->ssh_arg), "%s%s", listen, target);
	if (n < 0 || (size_t)n >= sizeof(out->ssh_arg)) {
		err_set(why, NULL, "shorten the socket path or the host name",
		        "the forward is longer than ssh takes (%zu characters at most)",
		        sizeof(out->ssh_arg) - 1);
		return false;
	}
	return true;
}
