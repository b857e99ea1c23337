#include "netconf/resolv_mark.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/file_read.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull
#define CHECK_MAX (1u << 20)

void resolv_mark_of(const char *data, size_t len, struct resolv_mark *m)
{
	uint64_t h = FNV_OFFSET;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)data[i];
		h *= FNV_PRIME;
	}
	m->len = len;
	m->sum = h;
}

int resolv_mark_format(const struct resolv_mark *m, char *buf, size_t len)
{
	int n = snprintf(buf, len, RESOLV_MARK_PREFIX "%" PRIu64 ",%016" PRIx64, m->len, m->sum);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

bool resolv_mark_parse(const char *s, struct resolv_mark *m)
{
	struct resolv_mark r;
	char again[RESOLV_MARK_STRLEN];
	const char *p = s + strlen(RESOLV_MARK_PREFIX);
	char *end;

	if (strncmp(s, RESOLV_MARK_PREFIX, strlen(RESOLV_MARK_PREFIX)) != 0 || *p < '0' || *p > '9')
		return false;
	errno = 0;
	r.len = strtoull(p, &end, 10);
	if (errno || *end != ',' || strlen(end + 1) != 16)
		return false;
	for (const char *h = end + 1; *h; h++)
		if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
			return false;
	r.sum = strtoull(end + 1, NULL, 16);
	if (resolv_mark_format(&r, again, sizeof(again)) < 0 || strcmp(again, s) != 0)
		return false;
	*m = r;
	return true;
}

enum resolv_now resolv_mark_judge(const struct resolv_mark *m, bool exists, bool regular,
                                  const char *data, size_t len)
{
	struct resolv_mark now;

	if (!exists)
		return RESOLV_NOW_GONE;
	if (!regular || !data || len != m->len)
		return RESOLV_NOW_CHANGED;
	resolv_mark_of(data, len, &now);
	return now.sum == m->sum ? RESOLV_NOW_OURS : RESOLV_NOW_CHANGED;
}

enum resolv_now resolv_mark_check(const struct resolv_mark *m, const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? RESOLV_NOW_GONE : RESOLV_NOW_CHANGED;
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size != m->len || st.st_size > CHECK_MAX)
		return RESOLV_NOW_CHANGED;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	size_t len = 0;
	char *data = fd < 0 ? NULL : regular_file_read(fd, (size_t)st.st_size, &len);
	if (fd >= 0)
		close(fd);
	enum resolv_now r = resolv_mark_judge(m, true, true, data, data ? len : 0);
	if (data)
		regular_file_free(data, len);
	else
		r = RESOLV_NOW_CHANGED;
	return r;
}
