/* Files put into place together, all or none (file_set.h). */
#include "lib/file_set.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/file_write.h"
#include "lib/xalloc.h"

#define PATH_LEN 4096

/* One file put into place: its final name, and where the one it replaced waits. */
struct placed {
	char path[PATH_LEN];
	char old[PATH_LEN]; /* "" when there was none */
};

struct file_set {
	const char *who;
	struct placed placed[FILE_SET_MAX];
	size_t n;
};

struct file_set *file_set_new(const char *who)
{
	struct file_set *s = xcalloc(1, sizeof(*s));
	s->who = who;
	return s;
}

/* Writes into buf the hidden name beside path: DIR/.BASE.WHO-SUFFIX ("." when path names
 * no directory). */
static void beside_name(const struct file_set *s, char *buf, size_t len, const char *path,
                        const char *suffix)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	int dirlen = slash ? (int)(slash - path) : 1;
	const char *dir = slash ? path : ".";
	snprintf(buf, len, "%.*s/.%s.%s-%s", dirlen, dir, base, s->who, suffix);
}

void file_set_tmp_name(const struct file_set *s, char *buf, size_t len, const char *path)
{
	char pid[24];
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	beside_name(s, buf, len, path, pid);
}

int file_set_place(struct file_set *s, const char *tmp, const char *path)
{
	if (s->n == FILE_SET_MAX) {
		log_error("%s: cannot place %s: more than %d files in one set", s->who, path,
		          FILE_SET_MAX);
		return -1;
	}
	struct placed *pl = &s->placed[s->n];
	snprintf(pl->path, sizeof(pl->path), "%s", path);
	pl->old[0] = '\0';
	if (access(path, F_OK) == 0) {
		beside_name(s, pl->old, sizeof(pl->old), path, "old");
		(void)unlink(pl->old);
		if (link(path, pl->old) < 0) {
			log_error("%s: cannot keep %s while it is replaced: %s", s->who, path,
			          strerror(errno));
			return -1;
		}
	}
	if (rename(tmp, path) < 0) {
		log_error("%s: cannot rename %s to %s: %s", s->who, tmp, path, strerror(errno));
		if (pl->old[0])
			(void)unlink(pl->old);
		return -1;
	}
	s->n++;
	return 0;
}

int file_set_write(struct file_set *s, const char *path, const char *text, mode_t mode)
{
	char tmp[PATH_LEN + 32];
	file_set_tmp_name(s, tmp, sizeof(tmp), path);
	(void)unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0 || fchmod(fd, mode) < 0 || write_all(fd, text, strlen(text)) < 0 ||
	    fsync(fd) < 0) {
		log_error("%s: cannot write %s: %s", s->who, tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		(void)unlink(tmp);
		return -1;
	}
	close(fd);
	if (file_set_place(s, tmp, path) < 0) {
		(void)unlink(tmp);
		return -1;
	}
	return 0;
}

void file_set_undo(struct file_set *s)
{
	while (s->n > 0) {
		struct placed *pl = &s->placed[--s->n];
		if (pl->old[0])
			(void)rename(pl->old, pl->path);
		else
			(void)unlink(pl->path);
	}
	free(s);
}

void file_set_keep(struct file_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->placed[i].old[0])
			(void)unlink(s->placed[i].old);
	free(s);
}
