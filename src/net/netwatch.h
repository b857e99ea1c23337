/* Watches the kernel's route to the ssh server through a netlink monitor socket: a new
 * default route, an interface coming up or an address change that moves the path to
 * the server is reported at once, so that a redial need not wait out its backoff. */
#ifndef SSHDIAL_NETWATCH_H
#define SSHDIAL_NETWATCH_H

#include "lib/event.h"

struct netwatch;

/* The path changed: before and after describe it ("dev eth0 via 10.0.0.1 src 10.0.0.5",
 * or "no route"). */
typedef void (*netwatch_fn)(void *arg, const char *before, const char *after);

/* server: a numeric IPv4 or IPv6 address.  NULL on failure, after logging why. */
struct netwatch *netwatch_start(struct event_loop *loop, const char *label, const char *server,
                                netwatch_fn fn, void *arg);
/* The current path, as given to netwatch_fn. */
const char *netwatch_path(const struct netwatch *w);
void netwatch_free(struct netwatch *w);

#endif
