/* Where this system's DNS queries for an ordinary name go, for `check --leaks`: not the
 * stub a resolv.conf may name (systemd-resolved's 127.0.0.53 always answers through lo),
 * but the servers behind it.  With systemd-resolved, those of the links that a name is
 * routed to: every link with the routing domain "~." if any has it, else the global
 * servers and those of each link that is a default route for names.  resolved sends a
 * link's query bound to that link (IP_UNICAST_IF), so the interface, not the routing
 * table, decides where it leaves. */
#ifndef SSHDIAL_DNS_SERVERS_H
#define SSHDIAL_DNS_SERVERS_H

#include <net/if.h>
#include <stddef.h>

#include "net/netpath.h"

#define DNS_TARGETS_MAX 8

struct dns_target {
	struct net_addr addr;
	int ifindex;              /* > 0: sent bound to this interface; 0: as routed */
	char ifname[IF_NAMESIZE]; /* with ifindex */
};

/* The "nameserver" lines of a resolv.conf text, in order, at most max.  Returns how many. */
size_t dns_targets_resolv(const char *text, struct dns_target *out, size_t max);

/* The servers a name goes to, from the output of "resolvectl dns", "resolvectl domain"
 * and "resolvectl default-route" (lines "Global: ..." and "Link N (IFNAME): ...").
 * Returns how many (at most max), or -1 when dns is not resolvectl's output. */
int dns_targets_resolved(const char *dns, const char *domain, const char *default_route,
                         struct dns_target *out, size_t max);

/* This system's: systemd-resolved's (through resolvectl, else the servers listed in
 * /run/systemd/resolve/resolv.conf as routed), else /etc/resolv.conf's.  source names
 * where they came from, for the report.  Returns how many. */
size_t dns_targets_system(struct dns_target *out, size_t max, char *source, size_t len);

#endif
