#include "lib/regular_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
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
