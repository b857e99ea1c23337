#include "ctl/lockdown.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/text.h"
#include "lib/file_write.h"

static void path_of(char *buf, size_t len, const char *peer)
{
	snprintf(buf, len, "%s/%s", LOCKDOWN_DIR, peer);
}

static int make_dir(const char *dir, mode_t mode)
{
	if (mkdir(dir, mode) == 0 || errno == EEXIST)
		return 0;
	log_error("lockdown: cannot create %s: %s", dir, strerror(errno));
	return -1;
}

int lockdown_mark(const char *peer)
{
	char path[256], text[256];
	if (make_dir("/var/lib/sshdial", 0755) < 0 || make_dir(LOCKDOWN_DIR, 0700) < 0)
		return -1;
	path_of(path, sizeof(path), peer);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	int n = snprintf(text, sizeof(text),
	                 "# kill-switch always: %s's traffic stays blocked, across reboots, until "
	                 "'sshdial unlock %s'\n",
	                 peer, peer);
	if (fd < 0 || write_all(fd, text, (size_t)n) < 0 || fsync(fd) < 0) {
		log_error("%s: lockdown: cannot write %s: %s; the block will not come back after a "
		          "reboot",
		          peer, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int lockdown_clear(const char *peer)
{
	char path[256];
	path_of(path, sizeof(path), peer);
	if (unlink(path) == 0 || errno == ENOENT)
		return 0;
	log_error("%s: lockdown: cannot remove %s: %s; remove it by hand, or the block comes "
	          "back at the next start",
	          peer, path, strerror(errno));
	return -1;
}

bool lockdown_marked(const char *peer)
{
	char path[256];
	struct stat st;
	path_of(path, sizeof(path), peer);
	return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

void lockdown_each(void (*fn)(void *arg, const char *peer), void *arg)
{
	DIR *d = opendir(LOCKDOWN_DIR);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)))
		if (safe_name_valid(de->d_name) && lockdown_marked(de->d_name))
			fn(arg, de->d_name);
	closedir(d);
}
