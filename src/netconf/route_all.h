/* route-all: every packet through the link by policy routing, and nothing out of the
 * underlying network while the link is down (the kill switch).  A routing table of sshdial's
 * (POLICY_TABLE) holds "default dev pppN" over "unreachable default" at a higher metric, in
 * both families, and these rules, tagged with sshdial's protocol, in this order:
 *
 *     8300  uidrange LOCAL-USER      lookup main   ssh's own connection, jump hosts included
 *     8301  uidrange LOCAL-USER      unreachable   never into the link, should main fail
 *     8310  ipproto udp|tcp dport 53|853  lookup POLICY_TABLE  DNS, even to a LAN resolver
 *     8320  to NET                   lookup main   IPv6 link-local; with allow-lan the
 *                                                  directly connected private networks
 *     8330                           lookup POLICY_TABLE
 *     8335  uidrange 0-0  lookup main suppress_prefixlength 0   IPv4 only: the kernel's
 *                                                  check of a new route's gateway (below)
 *     8340                           unreachable   should the table's entries be deleted
 *
 * 8335: a DHCP client's `ip route replace default via GW dev NEW` (a client that roams)
 * has its gateway checked by a policy lookup as uid 0, scope link, out of NEW.  The
 * table's routes are scope universe and so skipped by that lookup, which would end at
 * 8340 ("Nexthop has invalid gateway").  8335 lets it find NEW's connected network in
 * main.  No ordinary packet gets there: every lookup of scope universe ends at 8330, in
 * the link's default or the table's unreachable default (which match any interface).
 * Main's default routes are suppressed, never taken.  Only a lookup of scope link passes
 * 8330, and only while the table lacks the link's default (which is scope link): the
 * gateway check, and a root socket's SO_DONTROUTE, which then reaches a host directly on
 * a network that came after the rules (tests/netconf shows it).  That happens only while
 * the kill switch holds the rules with the link down (without it the rules go with the
 * link), and the guard drops it.  No rule can tell the two apart: the check differs only
 * by its outgoing interface, which is the new uplink's.  IPv6 checks a gateway in main
 * before the rules.
 *
 * The link's default routes are the attempt's; the rest is the session's when the kill switch
 * is on (kept while redialing), the attempt's when it is off.  With the kill switch, a
 * netfilter guard (guard.h) stands behind the rules, for the sockets that name their
 * interface and so pass by the rules. */
#ifndef SSHDIAL_POLICY_H
#define SSHDIAL_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "netconf/netconf.h"

#define POLICY_TABLE 83
#define POLICY_PRIO_UID 8300
#define POLICY_PRIO_DNS 8310
#define POLICY_PRIO_LAN 8320
#define POLICY_PRIO_TABLE 8330
#define POLICY_PRIO_GATEWAY 8335
#define POLICY_PRIO_UNREACHABLE 8340
#define POLICY_METRIC_LINK 100
#define POLICY_METRIC_UNREACHABLE 4278190080u /* what ip(8) gives its own unreachables */

struct guard_spec;

struct policy_spec {
	const char *label; /* the peer's name, for messages */
	uint32_t uid;      /* local-user's: its traffic stays on the underlying network */
	bool allow_lan;    /* the directly connected private networks bypass the link */
	/* The kill switch's netfilter guard (guard.h), its table, servers and uid; NULL: none.
	 * policy_block gives it the same allow-lan networks as the rules. */
	const struct guard_spec *guard;
};

/* The rules and the table's unreachable routes, in scope, then the guard if s has one.  0,
 * or -1 after logging (what was applied stays journaled, for the caller to undo). */
int policy_block(struct netconf *nc, enum journal_scope scope, const struct policy_spec *s);

/* The link's default routes in the table (IPv4; IPv6 too when ipv6), the attempt's. */
int policy_link_up(struct netconf *nc, const char *ifname, bool ipv6);

/* True for an address in a range that allow-lan may let bypass: RFC 1918, 169.254/16,
 * fe80::/10, fc00::/7.  Only networks inside these ranges bypass, never a public one. */
bool policy_lan_private(const struct cidr *net);

#endif
