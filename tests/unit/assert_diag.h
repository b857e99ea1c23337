/* Checking a parser's diagnostics against the exact messages expected. */
#ifndef SSHDIAL_TEST_ASSERT_DIAG_H
#define SSHDIAL_TEST_ASSERT_DIAG_H

#include "lib/diag.h"

/* d holds exactly the messages given (NULL-ended), in order. */
static inline void assert_diag_equal(const struct diag *d, const char *const *expected)
{
	size_t n = 0;
	while (expected[n])
		n++;
	for (size_t i = 0; i < diag_count(d) && i < n; i++)
		assert_string_equal(diag_get(d, i), expected[i]);
	assert_int_equal(diag_count(d), n);
}

#endif
