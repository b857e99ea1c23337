/* What an account may do, asked of the kernel rather than guessed: whether it can read a
 * file, and whether it may be route-all's local-user. */
#ifndef SSHDIAL_ACCOUNT_H
#define SSHDIAL_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Whether an account can read a file: asked of the kernel as that account, so that every
 * directory on the way, groups and ACLs count, not only the file's mode. */

/* access(path, mode) as the account user (uid, gid, its supplementary groups): in this
 * process when it runs as uid, else in a child that takes the account's ids (root only).
 * 0: allowed; an errno value (EACCES, ENOENT, ...) when not; -1 when it cannot be told
 * (neither root nor that account, or the child could not be started). */
int access_as(const char *user, uid_t uid, gid_t gid, const char *path, int mode);

/* Whether an account may be route-all's local-user.  That account's traffic is the one
 * that stays outside the link (ssh's own connection must), so it must be an account that
 * nothing else runs as: not nobody, which daemons share, and not one with processes that
 * are not sshdial's own (a person's login, a service).  Their traffic would bypass the link
 * unseen, and `check --leaks` could not tell. */

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
