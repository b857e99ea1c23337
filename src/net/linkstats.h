/* Every interface's receive counter from one netlink stats dump (RTM_GETSTATS, the 64-bit
 * link counters only), kept for a moment: the health probes of all links tick in the same
 * loop turn, and the first of them reads the counters of every link at once instead of
 * one request per link.  The socket opens with the first user and closes with the last. */
#ifndef SSHDIAL_LINKSTATS_H
#define SSHDIAL_LINKSTATS_H

#include <stddef.h>
#include <stdint.h>

struct linkstats;

struct linkstats *linkstats_open(const char *label);
void linkstats_close(struct linkstats *ls);

/* The received packets of interface ifindex, from a dump younger than max_age_ms at
 * now_ms (CLOCK_MONOTONIC, the caller's: its loop's turn), a new one otherwise.  0 on
 * success; -1 when the interface is not in the dump or the dump failed (why is logged at
 * debug level with label). */
int linkstats_rx_packets(struct linkstats *ls, int ifindex, uint64_t now_ms, unsigned max_age_ms,
                         uint64_t *rx);

/* One received buffer of a stats dump, as the kernel sends it: fn is called for each
 * interface's counters.  Returns 1 when the dump's end (NLMSG_DONE) is in the buffer, 0
 * when more is to come, or -1 (with *why) for an error message or a malformed buffer. */
typedef void (*linkstats_fn)(void *arg, int ifindex, uint64_t rx_packets);
int linkstats_parse(const void *buf, size_t len, uint32_t seq, linkstats_fn fn, void *arg,
                    const char **why);

/* How many dumps were made (for tests). */
unsigned linkstats_dumps(void);

#endif
