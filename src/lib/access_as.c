/* Access as another account: see access_as.h.  A forked child changes its ids and reports
 * faccessat's errno as its exit status; the parent's ids never change. */
#include "lib/access_as.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

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
