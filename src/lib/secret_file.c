#include "lib/secret_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/xalloc.h"

/* Checked on the open descriptor, so the file read is the file checked. */
static bool check_mode(int fd, const char *path, struct diag *d)
{
	struct stat st;
	if (fstat(fd, &st) < 0) {
		diag_add(d, path, 0, "cannot stat: %s", strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_add(d, path, 0, "not a regular file");
		return false;
	}
	if (st.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)) {
		diag_add(d, path, 0,
		         "readable or writable by group or others (mode %04o); run 'chmod 600 %s'",
		         (unsigned)(st.st_mode & 07777), path);
		return false;
	}
	return true;
}

/* Reads up to cap bytes; returns the count, or -1 with errno set. */
static ssize_t read_upto(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	while (len < cap) {
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

static char *read_content(int fd, const char *path, size_t max, size_t *len, struct diag *d)
{
	/* One allocation, never grown: realloc would leave copies of the secret behind. */
	char *buf = xmalloc(max + 2);
	ssize_t n = read_upto(fd, buf, max + 1);
	const char *problem = NULL;
	if (n < 0)
		diag_add(d, path, 0, "cannot read: %s", strerror(errno));
	else if ((size_t)n > max)
		problem = "too large for a secrets file";
	else if (memchr(buf, '\0', (size_t)n))
		problem = "contains a NUL byte; a secrets file is text";
	if (problem)
		diag_add(d, path, 0, "%s", problem);
	if (n < 0 || problem) {
		secret_file_free(buf, n < 0 ? 0 : (size_t)n);
		return NULL;
	}
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

char *secret_file_read(const char *path, size_t max, size_t *len, struct diag *d)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; check_mode refuses it. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		diag_add(d, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	char *content = check_mode(fd, path, d) ? read_content(fd, path, max, len, d) : NULL;
	close(fd);
	return content;
}

void secret_file_free(char *content, size_t len)
{
	if (!content)
		return;
	explicit_bzero(content, len + 1);
	free(content);
}
