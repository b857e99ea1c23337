/* Scratch directories for unit tests: one per test, removed afterwards. */
#ifndef SSHDIAL_TEST_TMPDIR_H
#define SSHDIAL_TEST_TMPDIR_H

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

__attribute__((returns_nonnull)) static inline char *tmpdir_new(void)
{
	char *dir = strdup("/tmp/sshdial-test.XXXXXX");
	if (!dir || !mkdtemp(dir)) {
		perror("mkdtemp");
		abort();
	}
	return dir;
}

/* Writes dir/name with content and mode; returns the path (malloc'd).  Out of line:
 * GCC with -fsanitize=undefined otherwise imagines a NULL path. */
__attribute__((returns_nonnull, noinline, unused)) static char *
tmpdir_file(const char *dir, const char *name, const char *content, mode_t mode)
{
	char *path;
	if (asprintf(&path, "%s/%s", dir, name) < 0 || !path)
		abort();
	FILE *f = fopen(path, "w");
	if (!f || fputs(content, f) < 0 || fclose(f) != 0) {
		perror(path);
		abort();
	}
	if (chmod(path, mode) < 0)
		abort();
	return path;
}

__attribute__((returns_nonnull)) static inline char *tmpdir_subdir(const char *dir,
                                                                   const char *name)
{
	char *path;
	if (asprintf(&path, "%s/%s", dir, name) < 0 || mkdir(path, 0700) < 0)
		abort();
	return path;
}

static inline int tmpdir_unlink(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void tmpdir_remove(char *dir)
{
	nftw(dir, tmpdir_unlink, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

#endif
