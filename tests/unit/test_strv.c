#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "lib/strv.h"

static void test_push_and_get(void **state)
{
	(void)state;
	struct strv *v = strv_new();
	assert_int_equal(strv_len(v), 0);
	assert_null(strv_argv(v)[0]);
	strv_push(v, "pppd");
	strv_pushf(v, "%s-%d", "unit", 7);
	assert_int_equal(strv_len(v), 2);
	assert_string_equal(strv_get(v, 0), "pppd");
	assert_string_equal(strv_get(v, 1), "unit-7");
	assert_null(strv_get(v, 2));
	strv_free(v);
}

static void test_copies_strings(void **state)
{
	(void)state;
	char buf[] = "before";
	struct strv *v = strv_new();
	strv_push(v, buf);
	strcpy(buf, "after!");
	assert_string_equal(strv_get(v, 0), "before");
	strv_free(v);
}

static void test_argv_stays_terminated_while_growing(void **state)
{
	(void)state;
	struct strv *v = strv_new();
	for (int i = 0; i < 100; i++) {
		strv_pushf(v, "w%d", i);
		assert_null(strv_argv(v)[i + 1]);
	}
	char *const *argv = strv_argv(v);
	assert_int_equal(strv_len(v), 100);
	assert_string_equal(argv[0], "w0");
	assert_string_equal(argv[99], "w99");
	strv_free(v);
}

/* The heap's bytes in use (glibc): what strv_free must give back.  glibc's per-thread
 * cache keeps freed blocks counted as in use, so main runs the tests without it. */
#ifdef __SANITIZE_ADDRESS__
/* ASan's allocator is not glibc's: its leak check at exit finds what strv_free kept. */
#define HEAP_COUNTED false
#else
#define HEAP_COUNTED true
#endif
static size_t in_use(void)
{
	return mallinfo2().uordblks;
}

/* strv_free gives back every byte the vector and its strings took, and NULL is a no-op
 * (the heap is as it was, and nothing crashed). */
static void test_free_null(void **state)
{
	(void)state;
	/* A first round for what the C library keeps after its first use (printf's). */
	struct strv *v = strv_new();
	strv_pushf(v, "warm-up %d", 1);
	strv_free(v);
	size_t before = in_use();
	strv_free(NULL);
	if (HEAP_COUNTED)
		assert_int_equal(in_use(), before);

	v = strv_new();
	for (int i = 0; i < 50; i++)
		strv_pushf(v, "a string long enough to need its own block, number %d", i);
	if (HEAP_COUNTED)
		assert_true(in_use() > before);
	strv_free(v);
	if (HEAP_COUNTED)
		assert_int_equal(in_use(), before);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (!getenv("GLIBC_TUNABLES")) {
		setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0", 1);
		execv("/proc/self/exe", argv);
		perror("execv /proc/self/exe");
		return 1;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_push_and_get),
	    cmocka_unit_test(test_copies_strings),
	    cmocka_unit_test(test_argv_stays_terminated_while_growing),
	    cmocka_unit_test(test_free_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
