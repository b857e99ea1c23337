/* Name resolution off the event loop.  getaddrinfo blocks for as long as DNS takes (5 s
 * per try by default, more with several servers), and one slow name must not stall every
 * other link of the process, so a child process resolves and writes the addresses to a
 * pipe that the loop watches; at the timeout the child is killed.
 *
 * Why a child and not glibc's getaddrinfo_a: getaddrinfo_a runs the lookup on a thread of
 * its own and cannot be cancelled once the thread is in the lookup; sshdial has no threads
 * (fork, signal masks and descriptors all assume so), and a process can be killed at the
 * timeout, watched through a pidfd like every other child (child.c). */
#ifndef SSHDIAL_RESOLVE_H
#define SSHDIAL_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/event.h"
#include "net/netpath.h"

#define RESOLVE_MAX_ADDRS 8

/* Either addresses (in getaddrinfo's order: the first is what ssh would try first) or why
 * not.  Every failure is transient, as ssh's own "Could not resolve hostname" is: the
 * network or the name server may come back. */
struct resolve_result {
	bool ok;
	size_t n;
	struct net_addr addrs[RESOLVE_MAX_ADDRS];
	char error[300];
};

struct resolve;

/* Called once, with the result borrowed for the call; the request is freed already. */
typedef void (*resolve_fn)(void *arg, const struct resolve_result *r);

/* Starts resolving host; fn is called from the loop, never from within this call.  NULL
 * on failure (no pipe or process), after logging why. */
struct resolve *resolve_start(struct event_loop *loop, const char *host, unsigned timeout_ms,
                              resolve_fn fn, void *arg);
/* The same, the lookup run as uid (its primary group, no others): the query then takes
 * the route that account's traffic takes.  RESOLVE_AS_CALLER: as resolve_start. */
#define RESOLVE_AS_CALLER ((uid_t)-1)
struct resolve *resolve_start_as(struct event_loop *loop, const char *host, uid_t uid,
                                 unsigned timeout_ms, resolve_fn fn, void *arg);
/* Stops a pending request (its child is killed); fn is not called. */
void resolve_cancel(struct resolve *r);

/* The lookup run in the child: fills out (error: the resolver's own words). */
typedef void (*resolve_lookup_fn)(const char *host, struct resolve_result *out);
/* resolve_start_as with another lookup (tests: a lookup that hangs). */
struct resolve *resolve_start_with(struct event_loop *loop, const char *host, uid_t uid,
                                   unsigned timeout_ms, resolve_lookup_fn lookup, resolve_fn fn,
                                   void *arg);

/* The child's answer on the pipe, one line each: "addr ADDRESS" per address then "end",
 * or "error TEXT".  Encoding returns the length written, 0 if it did not fit. */
#define RESOLVE_WIRE_MAX 1024
size_t resolve_encode(const struct resolve_result *r, char *buf, size_t len);
/* Decodes what the child wrote before its pipe closed.  Anything but a whole answer
 * (a child killed half-way, a stray line) is a failure; messages name host. */
void resolve_decode(const char *buf, size_t len, const char *host, struct resolve_result *out);

#endif
