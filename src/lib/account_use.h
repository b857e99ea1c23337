/* Whether an account may be route-all's local-user.  That account's traffic is the one
 * that stays outside the link (ssh's own connection must), so it must be an account that
 * nothing else runs as: not nobody, which daemons share, and not one with processes that
 * are not sshdial's own (a person's login, a service).  Their traffic would bypass the link
 * unseen, and `check --leaks` could not tell. */
#ifndef SSHDIAL_ACCOUNT_USE_H
#define SSHDIAL_ACCOUNT_USE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ACCOUNT_NOBODY_UID 65534u

struct account_use {
	unsigned foreign; /* processes of the account that are not sshdial's own */
	pid_t example;    /* the first of them */
	char comm[16];    /* its name */
};

/* Counts the processes running as uid (the owner of /proc/PID) that descend from no
 * process named "sshdial": ssh and its helpers under a call or the daemon are sshdial's
 * own, anything else is not. */
void account_use_scan(uint32_t uid, struct account_use *use);

/* The rule, apart from /proc: NULL when name (uid) may be local-user, else why not, with
 * what to do, written into buf. */
const char *account_refusal(const char *name, uint32_t uid, const struct account_use *use,
                            char *buf, size_t len);

#endif
