/* Watches the kernel's route to the ssh server through the process's netlink monitor
 * (nlmon): a new default route, an interface coming up or an address change that moves
 * the path to the server is reported at once, so that a redial need not wait out its
 * backoff. */
#ifndef SSHDIAL_NETWATCH_H
#define SSHDIAL_NETWATCH_H

#include "lib/event.h"
#include <stdint.h>

#include "net/netpath.h"

struct netwatch;

/* The path changed (net_path_equal says so): before and after are the old and new
 * values, borrowed for the call. */
typedef void (*netwatch_fn)(void *arg, const struct net_path *before, const struct net_path *after);

/* server: the ssh server's address.  NULL on failure, after logging why. */
struct netwatch *netwatch_start(struct event_loop *loop, const char *label,
                                const struct net_addr *server, netwatch_fn fn, void *arg);
/* The current path, as given to netwatch_fn. */
const struct net_path *netwatch_path(const struct netwatch *w);
/* Looks the path up as a packet of uid would be routed (route-all sends every other uid's
 * into the link, but ssh's, local-user's, stays outside), from now on. */
void netwatch_as_uid(struct netwatch *w, uint32_t uid);

void netwatch_free(struct netwatch *w);

#endif
