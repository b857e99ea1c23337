#include "lib/secret_file.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/regular_file.h"

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
