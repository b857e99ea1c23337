#include "ctl/rundir.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/log.h"
#include "lib/proc.h"
#include "lib/file_write.h"

static const char *const hook_names[] = {
    [HOOK_IP_UP] = "sshdial-ip-up", [HOOK_IP_DOWN] = "sshdial-ip-down"};
static const char *const hook_paths[] = {
    [HOOK_IP_UP] = RUNDIR "/sshdial-ip-up", [HOOK_IP_DOWN] = RUNDIR "/sshdial-ip-down"};
/* pppd's two hooks have scripts; unlock (the last kind) comes from sshdial itself. */
_Static_assert(sizeof(hook_names) / sizeof(hook_names[0]) == HOOK_UNLOCK &&
                   sizeof(hook_paths) / sizeof(hook_paths[0]) == HOOK_UNLOCK &&
                   HOOK_UNLOCK + 1 == HOOK_KIND_COUNT,
               "a script name and path for each of pppd's hooks");

const char *rundir_hook_name(enum hook_kind kind)
{
	return hook_names[kind];
}

const char *rundir_hook(enum hook_kind kind)
{
	return hook_paths[kind];
}

void rundir_path(char *buf, size_t len, const char *peer, const char *suffix)
{
	snprintf(buf, len, "%s/%s.%s", RUNDIR, peer, suffix);
}

void statedir_path(char *buf, size_t len, const char *peer, const char *suffix)
{
	snprintf(buf, len, "%s/%s.%s", STATEDIR, peer, suffix);
}

/* dir must be a directory of root's that only root may write to. */
static int check_dir(const char *dir)
{
	struct stat st;
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022)) {
		log_error("%s must be a directory owned by root and writable only by it; "
		          "remove it and start again",
		          dir);
		return -1;
	}
	return 0;
}

int statedir_prepare(void)
{
	/* 0755 like the rest of /var/lib: the server's lease directory lives below it, and what
	 * sshdial keeps here is no secret (resolver backups, lockdown records). */
	if (mkdir(STATEDIR, 0755) < 0 && errno != EEXIST) {
		err_log_errno(errno, "cannot create %s", STATEDIR);
		return -1;
	}
	return check_dir(STATEDIR);
}

/* Replaces the link atomically: another sshdial may be running hooks through it. */
static int link_hook(const char *exe, enum hook_kind kind)
{
	if (symlink_replace(exe, hook_paths[kind]) < 0) {
		err_log_errno(errno, "cannot create %s", hook_paths[kind]);
		return -1;
	}
	return 0;
}

int rundir_prepare(void)
{
	if (mkdir(RUNDIR, 0700) < 0 && errno != EEXIST) {
		err_log_errno(errno, "cannot create %s", RUNDIR);
		return -1;
	}
	if (check_dir(RUNDIR) < 0)
		return -1;
	char exe[PATH_MAX];
	if (self_exe(exe, sizeof(exe)) < 0) {
		err_log_errno(errno, "cannot find the sshdial binary (/proc/self/exe)");
		return -1;
	}
	if (link_hook(exe, HOOK_IP_UP) < 0 || link_hook(exe, HOOK_IP_DOWN) < 0)
		return -1;
	return 0;
}

int rundir_ssh_prepare(void)
{
	if (mkdir(RUNDIR_SSH, 0711) < 0 && errno != EEXIST) {
		err_log_errno(errno, "cannot create %s", RUNDIR_SSH);
		return -1;
	}
	int fd = open(RUNDIR_SSH, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 022) ||
	    fchmod(fd, 0711) < 0) {
		log_error("%s must be a directory owned by root and writable only by it; "
		          "remove it and start again",
		          RUNDIR_SSH);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The PID written in a lock file, 0 when it holds none (yet). */
static pid_t read_holder(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *end;
	long pid = strtol(buf, &end, 10);
	return pid > 0 && pid <= INT_MAX && end != buf && (*end == '\n' || !*end) ? (pid_t)pid : 0;
}

int rundir_lock(const char *peer, pid_t *holder)
{
	char path[PATH_MAX];
	rundir_path(path, sizeof(path), peer, "pid");
	*holder = 0;
	/* As journal.c does: the lock must be on the file that is at path now. */
	for (int attempt = 0; attempt < 5; attempt++) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return -1;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int e = errno;
			if (e == EWOULDBLOCK)
				*holder = read_holder(fd);
			close(fd);
			errno = e;
			return -1;
		}
		struct stat held, now;
		if (fstat(fd, &held) == 0 && stat(path, &now) == 0 && held.st_dev == now.st_dev &&
		    held.st_ino == now.st_ino) {
			char pid[24];
			int n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
			if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
				int e = errno;
				unlink(path);
				close(fd);
				errno = e;
				return -1;
			}
			return fd;
		}
		close(fd);
	}
	errno = EAGAIN;
	return -1;
}

void rundir_unlock(const char *peer, int fd)
{
	if (fd < 0)
		return;
	char path[PATH_MAX];
	rundir_path(path, sizeof(path), peer, "pid");
	unlink(path);
	close(fd);
}

gid_t rundir_open_to_group(const char *name)
{
	struct group *g = getgrnam(name);
	if (!g) {
		log_warn("group '%s' does not exist: only root can use the control socket "
		         "(groupadd %s, or --status-group GROUP)",
		         name, name);
		return (gid_t)-1;
	}
	if (chown(RUNDIR, 0, g->gr_gid) < 0 || chmod(RUNDIR, 0710) < 0) {
		log_warn("cannot open %s to group %s: %s", RUNDIR, name, strerror(errno));
		return (gid_t)-1;
	}
	return g->gr_gid;
}
