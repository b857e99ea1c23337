#include "server/serve_install.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server/lease.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/proc.h"
#include "lib/file_write.h"
#include "server/serve_pppd.h"
#include "server/sshd_dropin.h"

#define GROUPADD_PATH "/usr/sbin/groupadd"

/* Replaces link atomically: a pppd may be about to run it. */
static int make_link(const char *exe, const char *path)
{
	if (symlink_replace(exe, path) < 0) {
		err_log_errno(errno, "cannot create %s", path);
		return -1;
	}
	printf("%s -> %s\n", path, exe);
	return 0;
}

static int write_options(bool noauth, bool frames)
{
	char path[PATH_MAX], tmp[PATH_MAX + 16];
	serve_pppd_peers_path(path, sizeof(path), !noauth, frames);
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	FILE *f = fopen(tmp, "we");
	if (!f) {
		err_log_errno(errno, "cannot write %s", tmp);
		return -1;
	}
	fprintf(f,
	        "# Written by 'sshdial authorize --install'; run it again rather than editing.\n"
	        "# 'sshdial serve' runs pppd as the login account, and pppd takes these\n"
	        "# privileged options only from root or from a file under %s.\n"
	        "ip-up-script %s\n"
	        "ip-down-script %s\n",
	        PPPD_PEERS_DIR_SERVE, SERVE_HOOK_IP_UP, SERVE_HOOK_IP_DOWN);
	if (noauth)
		fprintf(f, "# For keys with 'pap no': the ssh key alone authenticates them.\n"
		           "noauth\n");
	if (frames)
		fprintf(f,
		        "# The frame transport: the link is an L2TP session socket that 'sshdial\n"
		        "# serve' made and names on pppd's command line (pppol2tp FD).\n"
		        "plugin pppol2tp.so\n");
	if (fchmod(fileno(f), 0644) < 0 || fclose(f) != 0 || rename(tmp, path) < 0) {
		err_log_errno(errno, "cannot write %s", path);
		unlink(tmp);
		return -1;
	}
	printf("%s\n", path);
	return 0;
}

/* The lease directory's group: the serve accounts, and no other (not dip, which every
 * account that may run pppd is in).  Made with groupadd when missing; its members are
 * the administrator's to add. */
static int lease_group(gid_t *gid)
{
	const struct group *g = getgrnam(LEASE_GROUP);
	if (!g) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			execl(GROUPADD_PATH, "groupadd", "--system", LEASE_GROUP, (char *)NULL);
			_exit(127);
		}
		int status = 0;
		if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0 || !(g = getgrnam(LEASE_GROUP))) {
			log_error("cannot create group %s with %s (exit status %d); create it "
			          "('groupadd --system %s') and run 'sshdial authorize --install' "
			          "again",
			          LEASE_GROUP, GROUPADD_PATH,
			          WIFEXITED(status) ? WEXITSTATUS(status) : -1, LEASE_GROUP);
			return -1;
		}
		printf("group %s (created)\n", LEASE_GROUP);
	}
	*gid = g->gr_gid;
	if (!g->gr_mem || !g->gr_mem[0])
		printf("note: group %s has no members yet: add each account that runs sshdial "
		       "serve ('usermod -aG %s ACCOUNT')\n",
		       LEASE_GROUP, LEASE_GROUP);
	return 0;
}

/* Group sshdial-serve; setgid, so that every lease file is the group's; sticky, so that no
 * account removes another's; no access for others. */
static int make_lease_dir(const char *dir)
{
	char parent[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", dir);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		if (mkdir(parent, 0755) < 0 && errno != EEXIST) {
			err_log_errno(errno, "cannot create %s", parent);
			return -1;
		}
	}
	if (mkdir(dir, 0770) < 0 && errno != EEXIST) {
		err_log_errno(errno, "cannot create %s", dir);
		return -1;
	}
	gid_t gid;
	if (lease_group(&gid) < 0)
		return -1;
	if (chown(dir, 0, gid) < 0 || chmod(dir, 03770) < 0) {
		err_log_errno(errno, "cannot set the owner and mode of %s", dir);
		return -1;
	}
	printf("%s (leases, group %s)\n", dir, LEASE_GROUP);
	return 0;
}

int serve_install(const char *lease_dir)
{
	char exe[PATH_MAX];
	if (geteuid() != 0) {
		log_error("'sshdial authorize --install' must run as root: it writes to /etc/ppp");
		return -1;
	}
	if (self_exe(exe, sizeof(exe)) < 0) {
		err_log_errno(errno, "cannot find the sshdial binary (/proc/self/exe)");
		return -1;
	}
	if (make_link(exe, SERVE_HOOK_IP_UP) < 0 || make_link(exe, SERVE_HOOK_IP_DOWN) < 0 ||
	    write_options(false, false) < 0 || write_options(true, false) < 0 ||
	    write_options(false, true) < 0 || write_options(true, true) < 0 ||
	    make_lease_dir(lease_dir) < 0 || sshd_dropin_install(LEASE_GROUP) < 0)
		return -1;
	return 0;
}
