/* What check --leaks reads to find the system's DNS servers (dns_servers.h): resolvectl's
 * output, split at NUL bytes into the outputs of "dns", "domain" and "default-route", and
 * the whole input as a resolv.conf.  Every target found is an address, bound to an
 * interface with a name, and no more than asked for. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz_util.h"
#include "netconf/dns_servers.h"

static void check(const struct dns_target *t, size_t n, size_t max)
{
	if (n > max)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (t[i].addr.family != AF_INET && t[i].addr.family != AF_INET6)
			abort();
		if (t[i].ifindex < 0 || (t[i].ifindex > 0 && !t[i].ifname[0]))
			abort();
		if (strnlen(t[i].ifname, IF_NAMESIZE) == IF_NAMESIZE)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 3);
	struct dns_target t[DNS_TARGETS_MAX];

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = s[size + 1] = s[size + 2] = '\0';
	/* s[size..size+2] are NULs: each of the three ends inside the buffer. */
	const char *dns = s, *domain = dns + strlen(dns) + 1, *route = domain + strlen(domain) + 1;
	size_t max = size ? (size_t)data[0] % (DNS_TARGETS_MAX + 1) : DNS_TARGETS_MAX;
	int n = dns_targets_resolved(dns, domain, route, t, max);
	if (n >= 0)
		check(t, (size_t)n, max);
	check(t, dns_targets_resolv(dns, t, max), max);
	free(s);
	return 0;
}
