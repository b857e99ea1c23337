/* What /proc says about processes: a process's name, parent, real user and groups, any
 * file of its, and the running binary's own path. */
#ifndef SSHDIAL_PROC_H
#define SSHDIAL_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Who a running process is, as the kernel says in /proc/PID: its name and its real user
 * and groups (a setuid pppd keeps the real ones of the account that started it). */

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
/* The contents of /proc/PID/FILE, at most len - 1 bytes, NUL-terminated (cmdline's own
 * NULs kept): their length, 0 when pid is gone or the file is empty or unreadable. */
size_t proc_read(pid_t pid, const char *file, char *buf, size_t len);
/* The parent and name of pid from /proc/PID/stat ("PID (COMM) S PPID ..."; COMM may hold
 * spaces and parentheses, so it ends at the last ')'); comm may be NULL.  False when pid
 * is gone. */
bool proc_stat(pid_t pid, pid_t *ppid, char *comm, size_t len);
/* The state letter of pid from /proc/PID/stat ('R', 'S', 'Z' for a zombie, ...); 0 when pid
 * is gone. */
char proc_state(pid_t pid);

/* The path of the running sshdial binary, for the links that make pppd run it again. */

/* Writes the binary's path (readlink of /proc/self/exe) into buf, NUL-terminated; 0, or
 * -1 with errno set (ENAMETOOLONG when it does not fit in len bytes). */
int self_exe(char *buf, size_t len);

#endif
