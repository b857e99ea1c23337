/* Tunnel addresses leased to connected clients on the server: one file per address in
 * the lease directory, locked with flock() by the process serving the connection.  That
 * process becomes pppd (exec), which keeps the descriptor, so the lease lasts exactly as
 * long as the link: however pppd ends, even killed, the kernel drops the lock.  Files
 * are never removed; an unlocked file is a free address.  Each holds "KEY PID\n" for the
 * hook and for messages.  Only the serve accounts (group sshdial-serve) can write the
 * directory; even so, which process holds a lease is taken from the kernel's lock table
 * (/proc/locks), never from what the file says. */
#ifndef SSHDIAL_LEASE_H
#define SSHDIAL_LEASE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/cidr.h"

/* The group of the lease directory: the accounts that run sshdial serve, and no other. */
#define LEASE_GROUP "sshdial-serve"

struct err;
struct lease;

enum lease_result {
	LEASE_OK,
	LEASE_BUSY,  /* held by another connection; the error names its key */
	LEASE_ERROR, /* the directory or file is unusable; the error says why */
};

/* Takes addr for key.  The lease's descriptor is inherited across exec. */
enum lease_result lease_take(const char *dir, struct in_addr addr, const char *key,
                             struct lease **out, struct err *e);

typedef bool lease_usable_fn(void *arg, struct in_addr a);
/* Takes the highest free host address of pool for which usable() is true.  BUSY when
 * every one of them is held.  A file that cannot be used (unreadable, not a regular file)
 * is skipped with a warning: it costs its address, not the pool. */
enum lease_result lease_take_from_pool(const char *dir, const struct cidr *pool,
                                       lease_usable_fn *usable, void *arg, const char *key,
                                       struct lease **out, struct err *e);

struct in_addr lease_address(const struct lease *l);
/* Closes the descriptor: the address is free once no process holds it any more. */
void lease_release(struct lease *l);

/* Whether someone holds addr's lease now, and for which key (copied to key). */
bool lease_held(const char *dir, struct in_addr addr, char *key, size_t len);

/* The process holding addr's lease now, from the kernel's lock table (the process that
 * took the lock, which exec does not change), whatever the file says; 0 if none.  Where
 * the lock table names the file otherwise than stat does (overlayfs, btrfs), the pid the
 * file names, when lease_pid_holds_lock shows it holding the lock.  key, if
 * not NULL, gets the key the file names (only a claim: check it against the holder). */
pid_t lease_holder_pid(const char *dir, struct in_addr addr, char *key, size_t len);

/* Whether process pid holds file's lease lock: one of its descriptors is that file (by
 * stat through /proc/PID/fd) and /proc/PID/fdinfo shows an exclusive flock() on it.  Needs
 * the right to look at pid's descriptors (root, or the same account without setuid). */
struct stat;
bool lease_pid_holds_lock(pid_t pid, const struct stat *file);

/* The pid of the flock() holder of the file at dev/ino in text of the /proc/locks
 * format; 0 if none (waiters, "->" lines, are not holders). */
pid_t lease_locks_holder(const char *locks, dev_t dev, ino_t ino);

#endif
