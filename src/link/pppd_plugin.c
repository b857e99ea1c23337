#include "link/pppd_plugin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/pppd_options.h"

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

static char *read_binary(const char *path, size_t *len, char *why, size_t whylen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(why, whylen, "cannot read %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (st.st_size <= 0 || (unsigned long long)st.st_size > PPPD_BINARY_MAX) {
		snprintf(why, whylen, "%s is not a pppd binary (%lld bytes)", path,
		         (long long)st.st_size);
		close(fd);
		return NULL;
	}
	char *buf = malloc((size_t)st.st_size);
	size_t got = 0;
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!buf || got == 0) {
		snprintf(why, whylen, "cannot read %s", path);
		free(buf);
		return NULL;
	}
	*len = got;
	return buf;
}

int pppd_plugin_find(const char *name, char *path, size_t len, char *why, size_t whylen)
{
	size_t n = 0;
	char *bin = read_binary(PPPD_PATH, &n, why, whylen);
	if (!bin)
		return -1;
	char dir[128];
	bool found = pppd_plugin_dir_in(bin, n, dir, sizeof(dir));
	free(bin);
	if (!found) {
		snprintf(why, whylen, "%s names no plugin directory under %s", PPPD_PATH,
		         PPPD_PLUGIN_BASE);
		return -1;
	}
	snprintf(path, len, "%s/%s", dir, name);
	if (access(path, R_OK) != 0) {
		snprintf(why, whylen, "pppd's plugin %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
