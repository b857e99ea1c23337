/* route-all's netfilter guard: while the kill switch is in force, an nftables table of
 * sshdial's own, `table inet sshdial_guard_PEER`, whose output chain drops whatever leaves
 * neither through the link nor on the few ways the underlying network must still be used.
 * The routing rules (route_all.h) cannot stop a socket that names its outgoing interface
 * (IP_UNICAST_IF, IP_PKTINFO: no privilege needed): when the FIB lookup fails the kernel
 * sends "on link" anyway.  A netfilter output hook sees those packets too.
 *
 *     table inet sshdial_guard_PEER {
 *         set links { type ifname; }           the link's interface, while it is up
 *         chain output {
 *             type filter hook output priority filter; policy drop;
 *             oifname "lo" accept
 *             oifname @links accept
 *             meta skuid UID ip daddr SERVER tcp dport PORT accept   (each server, jump)
 *             meta skuid UID tcp dport PORT accept     (a server named, not an address)
 *             meta skuid UID udp|tcp dport 53 accept   (so that ssh can resolve a name)
 *             udp sport 68 udp dport 67 accept         DHCP, DHCPv6: the underlay's lease
 *             udp sport 546 udp dport 547 accept
 *             icmpv6 type { nd-*, mld-listener-report, ... } accept   neighbour discovery
 *             ip daddr LAN accept                      allow-lan's networks
 *             counter drop
 *         }
 *     }
 *
 * The priority: an accept in one base chain does not end the hook, a drop anywhere does,
 * so the guard holds whatever other tables say; at filter (0) it sees the destination
 * and interface after the nat and mangle chains of output have rerouted.  The policy is
 * drop, so that a rule deleted from it only blocks more.  Forwarded traffic is not the
 * guard's: it is routed by the FIB (the rules' unreachables hold it), and no socket option
 * of a forwarded packet's sender reaches this host's output.
 *
 * The script replaces the table in one transaction ("table T; delete table T; table T
 * {...}"): applying it again is never a gap.  This file only writes text; change_guard.c
 * runs nft. */
#ifndef SSHDIAL_GUARD_H
#define SSHDIAL_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/cidr.h"

#define GUARD_TABLE_PREFIX "sshdial_guard_"
#define GUARD_TABLE_MAX 48 /* the prefix, a peer's safe name (32), NUL */
#define GUARD_SERVERS_MAX 24
#define GUARD_LANS_MAX 32
/* The longest script guard_script writes, NUL included. */
#define GUARD_SCRIPT_MAX 8192

/* One way ssh may go out: to addr (family 0: any address, for a server known by name)
 * on TCP port. */
struct guard_server {
	struct cidr addr;
	uint16_t port;
};

struct guard_spec {
	char table[GUARD_TABLE_MAX];
	uint32_t uid; /* local-user's */
	/* all: local-user's traffic is let through whole, as the rules let it: more servers
	 * than fit, or none known (route-all refuses pty, whose way sshdial cannot know). */
	bool all;
	unsigned nservers;
	struct guard_server servers[GUARD_SERVERS_MAX];
	bool dns; /* local-user may ask name servers (a server or jump host known by name) */
	unsigned nlans;
	struct cidr lans[GUARD_LANS_MAX];
};

/* GUARD_TABLE_PREFIX and peer: -1 when peer is no safe name (safe_name.h). */
int guard_table_name(char *buf, size_t len, const char *peer);
/* True for a name guard_table_name could have made. */
bool guard_table_valid(const char *table);

/* Adds the way to host (an address, IPv6 in brackets or not, or a name) on port (0: ssh's
 * 22) to g, once.  A name allows the port to any address, and DNS.  When g is full, an
 * address's entry becomes its port's to any address (wider, never narrower). */
void guard_add_server(struct guard_spec *g, const char *host, unsigned port);

/* The nft script that makes (or atomically replaces) g's table.  Its length, or -1 when g
 * is not valid or buf too small. */
int guard_script(const struct guard_spec *g, char *buf, size_t len);

/* The script that adds (add) or removes the link's interface ifname in table's set.  -1
 * when either name is not valid. */
int guard_link_script(char *buf, size_t len, const char *table, const char *ifname, bool add);

/* One server as the journal writes it: "192.0.2.1:22", "[2001:db8::1]:22", "*:22".  Parse:
 * false on anything format would not write. */
int guard_server_format(const struct guard_server *s, char *buf, size_t len);
bool guard_server_parse(const char *text, struct guard_server *out);

#endif
