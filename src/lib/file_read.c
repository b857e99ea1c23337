#include "lib/file_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/xalloc.h"

int regular_file_open(const char *path, struct diag *d)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		diag_errno(d, path, 0, errno, "cannot open");
	return fd;
}

bool regular_file_stat(int fd, const char *path, const char *hint, struct stat *st, struct diag *d)
{
	if (fstat(fd, st) < 0) {
		diag_errno(d, path, 0, errno, "cannot stat");
		return false;
	}
	if (!S_ISREG(st->st_mode)) {
		diag_add(d, path, 0, "not a regular file%s", hint);
		return false;
	}
	return true;
}

char *regular_file_read(int fd, size_t max, size_t *len)
{
	/* One allocation, never grown: realloc would leave copies behind.  The file may have
	 * grown since it was checked, so read one byte more than allowed to see it. */
	char *buf = xmalloc(max + 2);
	size_t got = 0;
	while (got < max + 1) {
		ssize_t n = pread(fd, buf + got, max + 1 - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				break;
			int e = errno;
			regular_file_free(buf, got);
			errno = e;
			return NULL;
		}
		got += (size_t)n;
	}
	if (got > max) {
		regular_file_free(buf, got);
		errno = EFBIG;
		return NULL;
	}
	buf[got] = '\0';
	*len = got;
	return buf;
}

void regular_file_free(char *text, size_t len)
{
	if (!text)
		return;
	explicit_bzero(text, len + 1);
	free(text);
}

static bool trusted_uid(uid_t uid, uid_t owner)
{
	return uid == 0 || uid == owner;
}

/* dir: the directory's resolved path, for messages. */
static bool check_dir(int fd, const char *dir, const char *path, uid_t owner, struct diag *d)
{
	struct stat st;
	if (fstat(fd, &st) < 0) {
		diag_errno(d, path, 0, errno, "cannot stat directory %s", dir);
		return false;
	}
	if (!trusted_uid(st.st_uid, owner)) {
		diag_add(d, path, 0,
		         "directory %s is owned by uid %u, not root, who could change this file; "
		         "run 'chown root %s' or move the file",
		         dir, (unsigned)st.st_uid, dir);
		return false;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)) {
		diag_add(d, path, 0,
		         "directory %s is writable by group or others (mode %04o), who could "
		         "replace this file; run 'chmod go-w %s' or move the file",
		         dir, (unsigned)(st.st_mode & 07777), dir);
		return false;
	}
	return true;
}

static bool check_file(int fd, const char *path, uid_t owner, struct diag *d)
{
	struct stat st;
	if (!regular_file_stat(fd, path, "; name the file itself", &st, d))
		return false;
	if (!trusted_uid(st.st_uid, owner)) {
		diag_add(d, path, 0,
		         "owned by uid %u, not root (its pty command and pppd options run as "
		         "root); run 'chown root %s'",
		         (unsigned)st.st_uid, path);
		return false;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		diag_add(d, path, 0,
		         "writable by group or others (mode %04o), but its pty command and pppd "
		         "options run as root; run 'chmod go-w %s'",
		         (unsigned)(st.st_mode & 07777), path);
		return false;
	}
	return true;
}

/* Opens the resolved directory dir one component at a time from '/', checking each;
 * a descriptor on it, or -1. */
static int open_dir(const char *dir, const char *path, uid_t owner, struct diag *d)
{
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !check_dir(fd, "/", path, owner, d)) {
		if (fd < 0)
			diag_errno(d, path, 0, errno, "cannot open /");
		else
			close(fd);
		return -1;
	}
	char *walk = xstrdup(dir);
	char *save = NULL;
	for (char *c = strtok_r(walk, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
		int next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
		/* The path up to this component, for messages. */
		char *here = xstrndup(dir, (size_t)(c - walk) + strlen(c));
		if (fd < 0)
			diag_errno(d, path, 0, errno, "cannot open directory %s", here);
		else if (!check_dir(fd, here, path, owner, d)) {
			close(fd);
			fd = -1;
		}
		free(here);
	}
	free(walk);
	return fd;
}

int trusted_file_open(const char *path, uid_t owner, struct diag *d)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *dir =
	    slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	char *resolved = realpath(dir, NULL);
	int fd = -1;
	if (!resolved)
		diag_errno(d, path, 0, errno, "cannot open");
	int dfd = resolved ? open_dir(resolved, path, owner, d) : -1;
	if (dfd >= 0) {
		fd = openat(dfd, base, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
		if (fd < 0 && errno == ELOOP)
			diag_add(d, path, 0,
			         "a symbolic link: sshdial reads a peer file only where it is, not "
			         "through a link that someone could change; copy the file here or "
			         "name its target");
		else if (fd < 0)
			diag_errno(d, path, 0, errno, "cannot open");
		close(dfd);
	}
	if (fd >= 0 && !check_file(fd, path, owner, d)) {
		close(fd);
		fd = -1;
	}
	free(resolved);
	free(dir);
	return fd;
}

/* Checked on the open descriptor, so the file read is the file checked. */
static bool check_mode(int fd, const char *path, struct diag *d)
{
	struct stat st;
	if (!regular_file_stat(fd, path, "", &st, d))
		return false;
	if (st.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)) {
		diag_add(d, path, 0,
		         "readable or writable by group or others (mode %04o); run 'chmod 600 %s'",
		         (unsigned)(st.st_mode & 07777), path);
		return false;
	}
	return true;
}

static char *read_content(int fd, const char *path, size_t max, size_t *len, struct diag *d)
{
	char *buf = regular_file_read(fd, max, len);
	if (!buf && errno == EFBIG)
		diag_add(d, path, 0, "too large for a secrets file");
	else if (!buf)
		diag_errno(d, path, 0, errno, "cannot read");
	else if (memchr(buf, '\0', *len)) {
		diag_add(d, path, 0, "contains a NUL byte; a secrets file is text");
		secret_file_free(buf, *len);
		return NULL;
	}
	return buf;
}

char *secret_file_read(const char *path, size_t max, size_t *len, struct diag *d)
{
	/* Opened without blocking: check_mode refuses a FIFO instead of waiting on it. */
	int fd = regular_file_open(path, d);
	if (fd < 0)
		return NULL;
	char *content = check_mode(fd, path, d) ? read_content(fd, path, max, len, d) : NULL;
	close(fd);
	return content;
}

void secret_file_free(char *content, size_t len)
{
	regular_file_free(content, len);
}
