/* The leak self-test of route-all: where the kernel would send an ordinary packet, a DNS
 * query, an IPv6 packet and ssh's own connection, asked with RTM_GETROUTE (routeq.h) and
 * the uid and ports that policy rules select on; no packet is sent.  "Through the link"
 * means an interface of type PPP (ARPHRD_PPP, as /sys/class/net/IF/type says it).  The DNS
 * probes go to the servers the system's resolver really uses (not a local stub); a query
 * that systemd-resolved sends bound to an interface leaves through that interface whatever
 * the routes say, so its verdict is that interface's. */
#ifndef SSHDIAL_LEAKCHECK_H
#define SSHDIAL_LEAKCHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "netconf/dns_servers.h"
#include "net/netpath.h"

struct leakcheck_input {
	uint32_t ssh_uid;       /* local-user's */
	struct net_addr server; /* the ssh server (family 0: not known) */
	uint16_t ssh_port;
	/* Where the system's DNS queries go (dns_servers.h) and where that was read. */
	const char *dns_source;
	size_t ndns;
	struct dns_target dns[DNS_TARGETS_MAX];
};

/* The uid the ordinary probes are asked as: neither root nor local-user (ssh_uid), whose
 * traffic route-all keeps outside on purpose; nobody unless that is local-user. */
uint32_t leakcheck_probe_uid(uint32_t ssh_uid);

/* Prints one line per probe to out ("ordinary packet to 198.51.100.1: through ppp0"),
 * each ending in "ok" or "LEAK"; returns the number of leaks, or -1 when the kernel could
 * not be asked (after printing why). */
int leakcheck_run(const struct leakcheck_input *in, FILE *out);

#endif
