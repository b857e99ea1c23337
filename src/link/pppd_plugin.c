#include "link/pppd_plugin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/pppd_options.h"
#include "lib/err.h"

/* Debian's pppd is 400 KB; anything past this is not a pppd. */
#define PPPD_BINARY_MAX (16u << 20)

bool pppd_plugin_dir_in(const char *bin, size_t len, char *dir, size_t dirlen)
{
	const size_t base = strlen(PPPD_PLUGIN_BASE);
	const char *at = bin, *end = bin + len;
	while (at < end && (at = memmem(at, (size_t)(end - at), PPPD_PLUGIN_BASE, base))) {
		/* The start of a string: the file's first byte or after a NUL. */
		bool starts = at == bin || at[-1] == 0;
		const char *v = at + base, *p = v;
		while (p < end && ((*p >= '0' && *p <= '9') || *p == '.'))
			p++;
		if (starts && p > v && p < end && *p == 0 && (size_t)(p - at) < dirlen) {
			memcpy(dir, at, (size_t)(p - at));
			dir[p - at] = 0;
			return true;
		}
		at += base;
	}
	return false;
}

/* The last answer of pppd_plugin_dir_of, and the file it was read from. */
static struct {
	bool valid;
	char path[256];
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	bool found;
	char dir[128];
} cache;

static bool cache_holds(const char *pppd, const struct stat *st)
{
	return cache.valid && strcmp(cache.path, pppd) == 0 && cache.dev == st->st_dev &&
	       cache.ino == st->st_ino && cache.size == st->st_size &&
	       cache.mtime.tv_sec == st->st_mtim.tv_sec &&
	       cache.mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* The whole file behind fd (st: its fstat) into a new buffer, its length in len. */
static char *read_binary(int fd, const char *path, const struct stat *st, size_t *len,
                         struct err *why)
{
	if (st->st_size <= 0 || (unsigned long long)st->st_size > PPPD_BINARY_MAX) {
		err_set(why, NULL, NULL, "%s is not a pppd binary (%lld bytes)", path,
		        (long long)st->st_size);
		return NULL;
	}
	char *buf = malloc((size_t)st->st_size);
	size_t got = 0;
	int saved = 0;
	while (buf && got < (size_t)st->st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st->st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			saved = errno;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (!buf || got == 0) {
		err_set(why, NULL, NULL, "cannot read %s: %s", path,
		        !buf    ? strerror(ENOMEM)
		        : saved ? strerror(saved)
		                : "empty");
		free(buf);
		return NULL;
	}
	*len = got;
	return buf;
}

int pppd_plugin_dir_of(const char *pppd, char *dir, size_t dirlen, struct err *why)
{
	int fd = open(pppd, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		err_errno(why, errno, NULL, NULL, "cannot read %s", pppd);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!cache_holds(pppd, &st)) {
		size_t n = 0;
		char *bin = read_binary(fd, pppd, &st, &n, why);
		if (!bin) {
			close(fd);
			return -1;
		}
		cache.valid = strlen(pppd) < sizeof(cache.path);
		snprintf(cache.path, sizeof(cache.path), "%s", pppd);
		cache.dev = st.st_dev;
		cache.ino = st.st_ino;
		cache.size = st.st_size;
		cache.mtime = st.st_mtim;
		cache.found = pppd_plugin_dir_in(bin, n, cache.dir, sizeof(cache.dir));
		free(bin);
	}
	close(fd);
	if (!cache.found) {
		err_set(why, NULL, NULL, "%s names no plugin directory under %s", pppd,
		        PPPD_PLUGIN_BASE);
		return -1;
	}
	if (strlen(cache.dir) >= dirlen) {
		err_set(why, NULL, NULL, "%s: plugin directory %s too long", pppd, cache.dir);
		return -1;
	}
	snprintf(dir, dirlen, "%s", cache.dir);
	return 0;
}

int pppd_plugin_find(const char *name, char *path, size_t len, struct err *why)
{
	char dir[128];
	if (pppd_plugin_dir_of(PPPD_PATH, dir, sizeof(dir), why) < 0)
		return -1;
	snprintf(path, len, "%s/%s", dir, name);
	if (access(path, R_OK) != 0) {
		err_errno(why, errno, NULL, NULL, "pppd's plugin %s", path);
		return -1;
	}
	return 0;
}
