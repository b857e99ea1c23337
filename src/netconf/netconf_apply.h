/* netconf's one way in for a change, shared by netconf.c and its typed requests
 * (netconf_request.c) only. */
#ifndef SSHDIAL_NETCONF_APPLY_H
#define SSHDIAL_NETCONF_APPLY_H

#include <stddef.h>

#include "lib/err.h"
#include "netconf/journal.h"
#include "netconf/netconf.h"

/* Journals e, then applies it: the order that lets a crash at any point be undone.  A
 * change of a dead run's kill switch still in force is claimed instead (adopt.h).  -1
 * after logging why. */
int netconf_apply(struct netconf *nc, struct journal_entry *e, const char *data, size_t len);
/* The label that begins nc's messages, and where its last failure is kept. */
const char *netconf_label(const struct netconf *nc);
struct err *netconf_err(struct netconf *nc);

#endif
