#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assert_diag.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/file_read.h"
#include "tmpdir.h"

static int setup(void **state)
{
	*state = tmpdir_new();
	/* A test that would hang on a FIFO fails instead. */
	alarm(10);
	return 0;
}

static int teardown(void **state)
{
	alarm(0);
	tmpdir_remove(*state);
	return 0;
}

static void test_open_missing(void **state)
{
	char path[PATH_MAX], msg[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/none", (const char *)*state);
	struct diag *d = diag_new();
	assert_int_equal(regular_file_open(path, d), -1);
	snprintf(msg, sizeof(msg), "%s: cannot open: No such file or directory", path);
	assert_diag_equal(d, (const char *const[]){msg, NULL});
	diag_free(d);
}

/* A FIFO opens without waiting for a writer, and is then refused with the hint given. */
static void test_fifo_refused(void **state)
{
	char path[PATH_MAX], msg[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/fifo", (const char *)*state);
	assert_int_equal(mkfifo(path, 0600), 0);
	struct diag *d = diag_new();
	int fd = regular_file_open(path, d);
	assert_true(fd >= 0);
	struct stat st;
	assert_false(regular_file_stat(fd, path, "; name the file itself", &st, d));
	assert_false(regular_file_stat(fd, path, "", &st, d));
	close(fd);
	snprintf(msg, sizeof(msg), "%s: not a regular file; name the file itself", path);
	char plain[PATH_MAX + 64];
	snprintf(plain, sizeof(plain), "%s: not a regular file", path);
	assert_diag_equal(d, (const char *const[]){msg, plain, NULL});
	diag_free(d);
}

static void test_read_whole(void **state)
{
	char *path = tmpdir_file(*state, "f", "one\ntwo\n", 0600);
	struct diag *d = diag_new();
	int fd = regular_file_open(path, d);
	struct stat st;
	assert_true(regular_file_stat(fd, path, "", &st, d));
	assert_int_equal(st.st_size, 8);
	/* From the start, whatever the descriptor's offset. */
	assert_int_equal(lseek(fd, 5, SEEK_SET), 5);
	size_t len = 99;
	char *text = regular_file_read(fd, 8, &len);
	assert_non_null(text);
	assert_int_equal(len, 8);
	assert_string_equal(text, "one\ntwo\n");
	regular_file_free(text, len);
	/* An empty file is an empty text. */
	int wfd = open(path, O_WRONLY | O_TRUNC);
	assert_true(wfd >= 0);
	close(wfd);
	text = regular_file_read(fd, 8, &len);
	assert_non_null(text);
	assert_int_equal(len, 0);
	assert_string_equal(text, "");
	regular_file_free(text, len);
	regular_file_free(NULL, 0);
	assert_int_equal(diag_count(d), 0);
	close(fd);
	diag_free(d);
	free(path);
}

/* One byte over the limit is refused with EFBIG; the limit itself is not. */
static void test_read_limit(void **state)
{
	char *path = tmpdir_file(*state, "f", "12345", 0600);
	int fd = open(path, O_RDONLY);
	size_t len = 0;
	errno = 0;
	assert_null(regular_file_read(fd, 4, &len));
	assert_int_equal(errno, EFBIG);
	char *text = regular_file_read(fd, 5, &len);
	assert_non_null(text);
	assert_int_equal(len, 5);
	regular_file_free(text, len);
	close(fd);
	free(path);
}

/* A read error is reported through errno. */
static void test_read_error(void **state)
{
	char *dir = *state;
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	size_t len = 0;
	assert_null(regular_file_read(fd, 16, &len));
	assert_int_equal(errno, EISDIR);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fifo_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_whole, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_limit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_error, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
