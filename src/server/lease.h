/* Tunnel addresses leased to connected clients on the server: one file per address in
 * the lease directory, locked with flock() by the process serving the connection.  That
 * process becomes pppd (exec), which keeps the descriptor, so the lease lasts exactly as
 * long as the link: however pppd ends, even killed, the kernel drops the lock.  Files
 * are never removed; an unlocked file is a free address.  Each holds "KEY PID\n" for the
 * hook and for messages. */
#ifndef SSHDIAL_LEASE_H
#define SSHDIAL_LEASE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/cidr.h"

struct lease;

enum lease_result {
	LEASE_OK,
	LEASE_BUSY,  /* held by another connection; the message names its key and pid */
	LEASE_ERROR, /* the directory or file is unusable; the message says why */
};

/* Takes addr for key.  The lease's descriptor is inherited across exec. */
enum lease_result lease_take(const char *dir, struct in_addr addr, const char *key,
                             struct lease **out, char *msg, size_t len);

typedef bool lease_usable_fn(void *arg, struct in_addr a);
/* Takes the highest free host address of pool for which usable() is true.  BUSY when
 * every one of them is held. */
enum lease_result lease_take_from_pool(const char *dir, const struct cidr *pool,
                                       lease_usable_fn *usable, void *arg, const char *key,
                                       struct lease **out, char *msg, size_t len);

struct in_addr lease_address(const struct lease *l);
/* Closes the descriptor: the address is free once no process holds it any more. */
void lease_release(struct lease *l);

/* Whether someone holds addr's lease now, and for which key (copied to key). */
bool lease_held(const char *dir, struct in_addr addr, char *key, size_t len);

/* The process holding addr's lease now, as it wrote itself in the file; 0 if none. */
pid_t lease_holder_pid(const char *dir, struct in_addr addr);

#endif
