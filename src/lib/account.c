#include "lib/account.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/proc.h"

/* Access as another account.  A forked child changes its ids and reports
 * faccessat's errno as its exit status; the parent's ids never change. */
static int access_here(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, AT_EACCESS) == 0 ? 0 : errno;
}

int access_as(const char *user, uid_t uid, gid_t gid, const char *path, int mode)
{
	if (geteuid() == uid)
		return access_here(path, mode);
	if (geteuid() != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (initgroups(user, gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
			_exit(255);
		int e = access_here(path, mode);
		_exit(e > 0 && e < 255 ? e : (e ? 254 : 0));
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) >= 254)
		return -1;
	return WEXITSTATUS(status);
}

/* Deeper than any real chain of parents: a loop of bad reads ends here. */
#define ANCESTORS_MAX 128

static bool sshdials_own(pid_t pid, char *comm, size_t len)
{
	char name[64];
	pid_t ppid;

	for (int depth = 0; pid > 0 && depth < ANCESTORS_MAX; depth++) {
		if (!proc_stat(pid, &ppid, name, sizeof(name)))
			return false;
		if (depth == 0)
			snprintf(comm, len, "%.15s", name);
		if (strcmp(name, "sshdial") == 0)
			return true;
		pid = ppid;
	}
	return false;
}

void account_use_scan(uint32_t uid, struct account_use *use)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	memset(use, 0, sizeof(*use));
	while (d && (de = readdir(d))) {
		char *end, path[64], comm[sizeof(use->comm)] = "";
		long pid = strtol(de->d_name, &end, 10);
		struct stat st;
		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld", pid);
		if (stat(path, &st) < 0 || st.st_uid != uid ||
		    sshdials_own((pid_t)pid, comm, sizeof(comm)))
			continue;
		/* A zombie has no sockets left: an ssh of a killed run that its new parent has
		 * not reaped yet sends nothing. */
		char state = proc_state((pid_t)pid);
		if (state == 'Z' || state == 'X')
			continue;
		if (!comm[0])
			continue; /* gone meanwhile */
		if (use->foreign++ == 0) {
			use->example = (pid_t)pid;
			snprintf(use->comm, sizeof(use->comm), "%s", comm);
		}
	}
	if (d)
		closedir(d);
}

const char *account_refusal(const char *name, uint32_t uid, const struct account_use *use,
                            char *buf, size_t len)
{
	if (uid == ACCOUNT_NOBODY_UID || strcmp(name, "nobody") == 0) {
		snprintf(buf, len,
		         "local-user '%s' (uid %u) is nobody, the account that daemons share: "
		         "route-all would let all their traffic bypass the link; give ssh an "
		         "account of its own (e.g. 'useradd --system sshdial-ssh')",
		         name, uid);
		return buf;
	}
	if (use && use->foreign) {
		snprintf(buf, len,
		         "local-user '%s' (uid %u) runs %u process%s that %s not sshdial's (pid "
		         "%d, %s): route-all would let their traffic bypass the link as ssh's "
		         "does; give ssh an account of its own that nothing else runs as",
		         name, uid, use->foreign, use->foreign == 1 ? "" : "es",
		         use->foreign == 1 ? "is" : "are", (int)use->example, use->comm);
		return buf;
	}
	return NULL;
}
