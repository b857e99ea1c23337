/* Who a running process is, as the kernel says in /proc/PID: its name and its real user
 * and groups (a setuid pppd keeps the real ones of the account that started it). */
#ifndef SSHDIAL_PROC_IDS_H
#define SSHDIAL_PROC_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PROC_IDS_GROUPS_MAX 64

struct proc_ids {
	uid_t ruid;
	gid_t rgid;
	size_t ngroups; /* supplementary groups; at most PROC_IDS_GROUPS_MAX are kept */
	gid_t groups[PROC_IDS_GROUPS_MAX];
};

/* The "Uid:", "Gid:" and "Groups:" lines of a /proc/PID/status text. */
bool proc_ids_parse(const char *status, struct proc_ids *ids);
/* Of process pid; false when it is gone or unreadable. */
bool proc_ids_read(pid_t pid, struct proc_ids *ids);
/* gid is the process's real group or one of its supplementary groups. */
bool proc_ids_in_group(const struct proc_ids *ids, gid_t gid);
/* /proc/PID/comm is name. */
bool proc_comm_is(pid_t pid, const char *name);

#endif
