/* ipv6 yes: IPv6 through the link.  pppd negotiates only the interface identifiers
 * (IPV6CP), so the global address comes from sshdial: the server's ipv6-prefix with this
 * end's IPv4 address as its last 32 bits (cidr_ipv6_host), the address the server's hook
 * routes to this link.  It goes on the ppp interface at ip-up, in the attempt's scope. */
#include "link/link_priv.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lib/err.h"
#include "lib/log.h"
#include "netconf/netconf.h"

int link_ipv6_up(struct link *l, const char *ifname, const char *local, struct err *e)
{
	unsigned char v4[4];
	struct cidr addr;
	char text[CIDR_STRLEN];

	if (inet_pton(AF_INET, local, v4) != 1 ||
	    !cidr_ipv6_host(peer_ipv6_prefix(l->peer), v4, &addr)) {
		failure_set(&l->failure, FAILURE_CONFIG,
		            "ipv6: the link's address '%s' is not IPv4, so no IPv6 address can be "
		            "made from ipv6-prefix; the link was taken down",
		            local);
		err_set(e, NULL, NULL, "no IPv6 address for %s", ifname);
		return -1;
	}
	cidr_format(&addr, text, sizeof(text));
	if (netconf_addr_add(l->nc, JOURNAL_ATTEMPT, ifname, &addr) < 0) {
		failure_set(&l->failure, FAILURE_CONFIG,
		            "ipv6: cannot add %s to %s (see above); the link was taken down rather "
		            "than left half-configured",
		            text, ifname);
		err_set(e, NULL, NULL, "cannot add %s", text);
		return -1;
	}
	log_info("%s: IPv6 %s on %s", peer_name(l->peer), text, ifname);
	snprintf(l->attempt.local6, sizeof(l->attempt.local6), "%.*s", (int)strcspn(text, "/"),
	         text);
	return 0;
}
