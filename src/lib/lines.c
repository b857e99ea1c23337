#include "lib/lines.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/xalloc.h"

int lines_open(const char *path, struct diag *d)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		diag_add(d, path, 0, "cannot open: %s", strerror(errno));
	return fd;
}

static bool check_regular(int fd, const char *path, size_t max, struct diag *d)
{
	struct stat st;
	if (fstat(fd, &st) < 0) {
		diag_add(d, path, 0, "cannot stat: %s", strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_add(d, path, 0, "not a regular file; name the file itself");
		return false;
	}
	if ((unsigned long long)st.st_size > max) {
		diag_add(d, path, 0, "larger than %zu bytes: not a configuration file", max);
		return false;
	}
	return true;
}

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

static unsigned line_of(const char *text, size_t offset)
{
	unsigned line = 1;
	for (size_t i = 0; i < offset; i++)
		line += text[i] == '\n';
	return line;
}

char *lines_slurp(int fd, const char *path, size_t max, size_t *len, struct diag *d)
{
	if (!check_regular(fd, path, max, d))
		return NULL;
	/* One allocation, never grown: realloc would leave copies behind.  The file may have
	 * grown since fstat, so read one byte more than allowed to see it. */
	char *buf = xmalloc(max + 2);
	ssize_t n = read_upto(fd, buf, max + 1);
	const char *nul = n > 0 ? memchr(buf, '\0', (size_t)n) : NULL;
	if (n < 0)
		diag_add(d, path, 0, "cannot read: %s", strerror(errno));
	else if ((size_t)n > max)
		diag_add(d, path, 0, "larger than %zu bytes: not a configuration file", max);
	else if (nul)
		diag_add(d, path, line_of(buf, (size_t)(nul - buf)),
		         "contains a NUL byte; a configuration file is text: remove it");
	if (n < 0 || (size_t)n > max || nul) {
		lines_free(buf, n < 0 ? 0 : (size_t)n);
		return NULL;
	}
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

void lines_free(char *text, size_t len)
{
	if (!text)
		return;
	explicit_bzero(text, len + 1);
	free(text);
}

bool lines_check_length(const char *path, const char *text, size_t len, struct diag *d)
{
	bool ok = true;
	unsigned lineno = 1;
	for (const char *line = text; line < text + len; lineno++) {
		const char *nl = memchr(line, '\n', (size_t)(text + len - line));
		const char *end = nl ? nl : text + len;
		if ((size_t)(end - line) > LINES_MAX_LINE) {
			diag_add(d, path, lineno, "line longer than %d bytes; shorten it",
			         LINES_MAX_LINE);
			ok = false;
		}
		line = end + 1;
	}
	return ok;
}

int lines_read_fd(int fd, const char *path, struct diag *d, lines_fn fn, void *arg)
{
	size_t len;
	char *text = lines_slurp(fd, path, LINES_MAX_FILE, &len, d);
	if (!text)
		return -1;
	/* The other lines are still read, so that every problem is reported at once. */
	int status = lines_check_length(path, text, len, d) ? 0 : -1;
	unsigned lineno = 0;
	for (char *line = text; line < text + len;) {
		char *nl = memchr(line, '\n', (size_t)(text + len - line));
		char *end = nl ? nl : text + len;
		*end = '\0';
		lineno++;
		if ((size_t)(end - line) <= LINES_MAX_LINE)
			fn(arg, line, lineno);
		line = end + 1;
	}
	lines_free(text, len);
	return status;
}

int lines_read(const char *path, struct diag *d, lines_fn fn, void *arg)
{
	int fd = lines_open(path, d);
	if (fd < 0)
		return -1;
	int status = lines_read_fd(fd, path, d, fn, arg);
	close(fd);
	return status;
}
