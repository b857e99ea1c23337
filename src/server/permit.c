#include "server/permit.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "lib/err.h"

static bool port_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 5 || strspn(s, "0123456789") != n)
		return false;
	unsigned long v = strtoul(s, NULL, 10);
	return v >= 1 && v <= 65535;
}

static bool host_valid(const char *h, size_t n)
{
	static const char chars[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_";
	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		char a[64];
		struct in6_addr a6;
		if (n - 2 >= sizeof(a))
			return false;
		memcpy(a, h + 1, n - 2);
		a[n - 2] = 0;
		return inet_pton(AF_INET6, a, &a6) == 1;
	}
	size_t ok = strspn(h, chars);
	return n > 0 && n < 254 && h[0] != '-' && h[0] != '.' && ok >= n;
}

static bool host_port_valid(const char *v, bool port_alone)
{
	const char *colon = strrchr(v, ':');
	if (!colon)
		return port_alone && port_valid(v);
	return host_valid(v, (size_t)(colon - v)) && port_valid(colon + 1);
}

bool permit_open_valid(const char *v, struct err *why)
{
	if (host_port_valid(v, false))
		return true;
	err_set(why, NULL, "give a name, an address or [IPv6], and a port from 1 to 65535",
	        "not HOST:PORT");
	err_where(why, "--permit-open '%s'", v);
	return false;
}

bool permit_listen_valid(const char *v, struct err *why)
{
	if (host_port_valid(v, true))
		return true;
	err_set(why, NULL, "give a port from 1 to 65535, with a name or an address before it",
	        "not PORT or HOST:PORT");
	err_where(why, "--permit-listen '%s'", v);
	return false;
}
