#include "rundir.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static const char *const hook_names[] = {
    [HOOK_IP_UP] = "sshdial-ip-up", [HOOK_IP_DOWN] = "sshdial-ip-down"};
static const char *const hook_paths[] = {
    [HOOK_IP_UP] = RUNDIR "/sshdial-ip-up", [HOOK_IP_DOWN] = RUNDIR "/sshdial-ip-down"};

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

/* Replaces the link atomically: another sshdial may be running hooks through it. */
static int link_hook(const char *exe, enum hook_kind kind)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s.%d", hook_paths[kind], (int)getpid());
	unlink(tmp);
	if (symlink(exe, tmp) < 0 || rename(tmp, hook_paths[kind]) < 0) {
		log_error("cannot create %s: %s", hook_paths[kind], strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int rundir_prepare(void)
{
	if (mkdir(RUNDIR, 0700) < 0 && errno != EEXIST) {
		log_error("cannot create %s: %s", RUNDIR, strerror(errno));
		return -1;
	}
	struct stat st;
	if (lstat(RUNDIR, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 022)) {
		log_error("%s must be a directory owned by root and writable only by it; "
		          "remove it and start again",
		          RUNDIR);
		return -1;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0) {
		log_error("cannot find the sshdial binary (/proc/self/exe): %s", strerror(errno));
		return -1;
	}
	exe[n] = 0;
	if (link_hook(exe, HOOK_IP_UP) < 0 || link_hook(exe, HOOK_IP_DOWN) < 0)
		return -1;
	return 0;
}
