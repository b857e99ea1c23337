/* sshdial's own check that a link carries traffic: an ICMP echo to the peer's tunnel
 * address every interval on a socket bound to the ppp interface, and the interface's
 * receive counter read through netlink.  Either answering counts as life; no life for
 * timeout declares the link dead.  pppd's LCP echo and ssh's ServerAlive stay on as
 * slower backstops (see sshdial-peer(5), "Health"). */
#ifndef SSHDIAL_HEALTH_H
#define SSHDIAL_HEALTH_H

#include "lib/event.h"

struct health;

/* Called once, when the link is declared dead; why says what was seen. */
typedef void (*health_dead_fn)(void *arg, const char *why);

/* remote: the peer's IPv4 tunnel address (probes are skipped when it is not IPv4; the
 * counter still counts).  NULL on failure, after logging why. */
struct health *health_start(struct event_loop *loop, const char *label, const char *ifname,
                            const char *remote, unsigned interval_ms, unsigned timeout_ms,
                            health_dead_fn fn, void *arg);
void health_stop(struct health *h);
/* The round-trip time of the last answered probe in microseconds; -1 when none answered
 * yet (or h is NULL). */
int health_rtt_us(const struct health *h);

#endif
