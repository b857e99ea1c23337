/* sshdial's own nftables table, `table ip sshdial`, for the server's masquerade: a set of
 * (client tunnel address, outgoing interface) pairs and one postrouting rule that
 * masquerades packets from a pair's address leaving through its interface.  The table is
 * made with the first pair and deleted with the last, so the ruleset without sshdial's
 * links is what it was before.  Driven through the nft(8) command (nftables' own parser and
 * messages), under a lock, so that two hooks at once neither make the table twice nor
 * delete it under each other. */
#ifndef SSHDIAL_NFT_H
#define SSHDIAL_NFT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#define NFT_PATH "/usr/sbin/nft"
#define NFT_TABLE "sshdial"
/* Locked with flock() while the table changes: the directory of the journals, which is
 * there whenever a change is, so that no lock file is left behind. */
#define NFT_LOCK "/run/sshdial"

/* Adds (addr, oifname) to the set, making the table first when there is none.  0, or -1
 * after logging nft's own message. */
int nft_masq_add(const char *label, struct in_addr addr, const char *oifname);

/* Removes the pair, and the table when its set is then empty.  1 removed, 0 already gone
 * (no table, or not in the set), -1 after logging. */
int nft_masq_remove(const char *label, struct in_addr addr, const char *oifname);

/* The interface of the main table's IPv4 default route with the lowest metric, read from
 * /proc/net/route.  false when there is none. */
bool nft_default_ifname(char *buf, size_t len);

/* The set element "ADDR . \"IF\"" as nft reads it; -1 when ifname could not be one. */
int nft_masq_element(char *buf, size_t len, struct in_addr addr, const char *oifname);

#endif
