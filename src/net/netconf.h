/* System network changes for a link, through netlink (libnl), each journaled before it is
 * applied so that it can be undone exactly: on link down, on exit, and after a crash. */
#ifndef SSHDIAL_NETCONF_H
#define SSHDIAL_NETCONF_H

#include "lib/cidr.h"

struct netconf;

/* Opens the netlink socket and the journal at journal_path.  A journal left by an earlier
 * run that crashed is undone first (changes already gone, as routes of a vanished
 * interface, are not errors).  label names the owner in messages (the peer name).
 * NULL on failure, after logging why. */
struct netconf *netconf_open(const char *label, const char *journal_path);

/* Adds a route to dst through interface ifname (the ppp device, no gateway).
 * 0 on success; -1 after logging "label: route DST dev IF: reason". */
int netconf_route_add(struct netconf *nc, const char *ifname, const struct cidr *dst);

/* Removes everything applied since open, newest first, and empties the journal.
 * Returns the number of changes that could not be undone (each logged). */
int netconf_undo_all(struct netconf *nc);

/* Number of changes currently applied. */
unsigned netconf_applied(const struct netconf *nc);

/* Frees, leaving every change applied and in the journal, for a later process (the server's
 * ip-down hook) to undo by opening the same journal. */
void netconf_release(struct netconf *nc);

/* Undoes everything, removes the journal file, frees. */
void netconf_close(struct netconf *nc);

#endif
