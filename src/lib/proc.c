#include "lib/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

size_t proc_read(pid_t pid, const char *file, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return (size_t)n;
}

static bool read_proc(pid_t pid, const char *file, char *buf, size_t len)
{
	return proc_read(pid, file, buf, len) > 0;
}

/* /proc/PID/stat's name, state and parent. */
static bool stat_read(pid_t pid, pid_t *ppid, char *state, char *comm, size_t len)
{
	char buf[512];
	if (!read_proc(pid, "stat", buf, sizeof(buf)))
		return false;
	char *open_paren = strchr(buf, '('), *close_paren = strrchr(buf, ')');
	int parent;
	if (!open_paren || !close_paren || close_paren < open_paren ||
	    sscanf(close_paren + 1, " %c %d", state, &parent) != 2)
		return false;
	if (comm)
		snprintf(comm, len, "%.*s", (int)(close_paren - open_paren - 1), open_paren + 1);
	*ppid = (pid_t)parent;
	return true;
}

bool proc_stat(pid_t pid, pid_t *ppid, char *comm, size_t len)
{
	char state;
	return stat_read(pid, ppid, &state, comm, len);
}

char proc_state(pid_t pid)
{
	pid_t ppid;
	char state;
	return stat_read(pid, &ppid, &state, NULL, 0) ? state : 0;
}

/* The first number after "NAME:" at the start of a line of text. */
static const char *field(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *line = text; line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (strncmp(line, name, n) == 0 && line[n] == ':')
			return line + n + 1;
	}
	return NULL;
}

bool proc_ids_parse(const char *status, struct proc_ids *ids)
{
	const char *uid = field(status, "Uid"), *gid = field(status, "Gid");
	const char *groups = field(status, "Groups");
	char *end;
	memset(ids, 0, sizeof(*ids));
	if (!uid || !gid || !groups)
		return false;
	unsigned long u = strtoul(uid, &end, 10);
	if (end == uid)
		return false;
	unsigned long g = strtoul(gid, &end, 10);
	if (end == gid)
		return false;
	ids->ruid = (uid_t)u;
	ids->rgid = (gid_t)g;
	for (const char *p = groups; *p && *p != '\n';) {
		unsigned long v = strtoul(p, &end, 10);
		if (end == p)
			break;
		if (ids->ngroups < PROC_IDS_GROUPS_MAX)
			ids->groups[ids->ngroups++] = (gid_t)v;
		p = end;
	}
	return true;
}

bool proc_ids_read(pid_t pid, struct proc_ids *ids)
{
	char buf[8192];
	return read_proc(pid, "status", buf, sizeof(buf)) && proc_ids_parse(buf, ids);
}

bool proc_ids_in_group(const struct proc_ids *ids, gid_t gid)
{
	if (ids->rgid == gid)
		return true;
	for (size_t i = 0; i < ids->ngroups; i++)
		if (ids->groups[i] == gid)
			return true;
	return false;
}

bool proc_comm_is(pid_t pid, const char *name)
{
	char comm[64];
	if (!read_proc(pid, "comm", comm, sizeof(comm)))
		return false;
	comm[strcspn(comm, "\n")] = '\0';
	return strcmp(comm, name) == 0;
}

int self_exe(char *buf, size_t len)
{
	if (len == 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	ssize_t n = readlink("/proc/self/exe", buf, len);
	if (n < 0)
		return -1;
	/* readlink neither terminates nor says it cut: a path that fills buf may be cut. */
	if ((size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	buf[n] = '\0';
	return 0;
}
