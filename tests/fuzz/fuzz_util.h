/* Helpers shared by the libFuzzer harnesses: inputs as C strings, as lines the way
 * lines_read gives them, and as files for parsers that only take a path. */
#ifndef SSHDIAL_FUZZ_UTIL_H
#define SSHDIAL_FUZZ_UTIL_H

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The input as a NUL-terminated string (a parser of C strings stops at an inner NUL, as
 * it would in the real program). */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

typedef void (*fuzz_line_fn)(void *arg, const char *line, unsigned lineno);

/* Calls fn for each line of data, newline removed, numbered from 1: what lines_read does
 * with getline (a last line without its newline still counts; an inner NUL ends what the
 * parser sees of its line). */
static inline void fuzz_lines(const uint8_t *data, size_t size, fuzz_line_fn fn, void *arg)
{
	unsigned lineno = 0;
	size_t at = 0;
	while (at < size) {
		const uint8_t *nl = memchr(data + at, '\n', size - at);
		size_t n = nl ? (size_t)(nl - (data + at)) : size - at;
		char *line = fuzz_strdup(data + at, n);
		fn(arg, line, ++lineno);
		free(line);
		at += n + (nl ? 1 : 0);
	}
}

/* An anonymous in-memory file holding data, mode 0600 (secrets files must be), for a
 * parser that only takes a path: pass the path fuzz_memfd_path writes.  -1 on failure. */
static inline int fuzz_memfd(const char *name, const uint8_t *data, size_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	if (fchmod(fd, 0600) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static inline void fuzz_memfd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

/* A private scratch directory under $TMPDIR (make fuzz points it into build-fuzz/), or
 * /tmp; removed at exit.  NULL on failure. */
static inline const char *fuzz_tmpdir(void)
{
	static char made[4096];
	const char *base = getenv("TMPDIR");
	if (!base || !*base || strlen(base) > sizeof(made) - 32)
		base = "/tmp";
	snprintf(made, sizeof(made), "%s/sshdial-fuzz-XXXXXX", base);
	return mkdtemp(made);
}

#endif
