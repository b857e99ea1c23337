#include "conf/jump_spec.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "lib/err.h"

#define USAGE "write 'jump [USER@]HOST[:PORT]'"

static const char host_chars[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_";

bool jump_spec_host_valid(const char *h)
{
	struct in6_addr a6;
	if (inet_pton(AF_INET6, h, &a6) == 1)
		return true;
	size_t n = strlen(h);
	return n > 0 && h[0] != '-' && h[0] != '.' && strspn(h, host_chars) == n;
}

static bool port_valid(const char *s, unsigned *out)
{
	size_t n = strlen(s);
	if (n == 0 || n > 5 || strspn(s, "0123456789") != n)
		return false;
	unsigned long v = strtoul(s, NULL, 10);
	*out = (unsigned)v;
	return v >= 1 && v <= 65535;
}

static bool host_port(const char *s, struct jump_spec *out)
{
	const char *port = NULL;
	size_t hlen;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || (close[1] != 0 && close[1] != ':'))
			return false;
		hlen = (size_t)(close - s - 1);
		s++;
		port = close[1] == ':' ? close + 2 : NULL;
	} else {
		const char *colon = strchr(s, ':');
		if (colon && strchr(colon + 1, ':')) /* a bare IPv6 address, no port */
			colon = NULL;
		hlen = colon ? (size_t)(colon - s) : strlen(s);
		port = colon ? colon + 1 : NULL;
	}
	if (hlen == 0 || hlen >= sizeof(out->host))
		return false;
	memcpy(out->host, s, hlen);
	out->host[hlen] = 0;
	return jump_spec_host_valid(out->host) && (!port || port_valid(port, &out->port));
}

bool jump_spec_parse(const char *text, struct jump_spec *out, struct err *why)
{
	memset(out, 0, sizeof(*out));
	const char *at = strrchr(text, '@');
	const char *hp = at ? at + 1 : text;
	if (at) {
		size_t ulen = (size_t)(at - text);
		if (ulen == 0 || ulen >= sizeof(out->user) || text[0] == '-' ||
		    strcspn(text, " \t'\"\\%@") < ulen) {
			err_set(why, NULL, USAGE, "'%.*s' is not a user name", (int)ulen, text);
			return false;
		}
		memcpy(out->user, text, ulen);
		out->user[ulen] = 0;
	}
	if (!host_port(hp, out)) {
		err_set(why, NULL, USAGE,
		        "'%s' is not HOST or HOST:PORT (a name or an address, PORT 1 to 65535)",
		        hp);
		return false;
	}
	return true;
}
