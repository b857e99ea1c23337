#include "lib/lines.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/file_read.h"

int lines_open(const char *path, struct diag *d)
{
	return regular_file_open(path, d);
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
	struct stat st;
	if (!regular_file_stat(fd, path, "; name the file itself", &st, d))
		return NULL;
	/* Refused before reading when fstat already says so; the read sees later growth. */
	char *buf = NULL;
	if ((unsigned long long)st.st_size > max)
		errno = EFBIG;
	else
		buf = regular_file_read(fd, max, len);
	if (!buf) {
		if (errno == EFBIG)
			diag_add(d, path, 0, "larger than %zu bytes: not a configuration file",
			         max);
		else
			diag_errno(d, path, 0, errno, "cannot read");
		return NULL;
	}
	const char *nul = memchr(buf, '\0', *len);
	if (nul) {
		diag_add(d, path, line_of(buf, (size_t)(nul - buf)),
		         "contains a NUL byte; a configuration file is text: remove it");
		lines_free(buf, *len);
		return NULL;
	}
	return buf;
}

void lines_free(char *text, size_t len)
{
	regular_file_free(text, len);
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
