/* Skipping a unit test, saying why (scripts/run-unit counts skips apart from passes, and
 * refuses a skip that names no reason). */
#ifndef SSHDIAL_TEST_SKIP_H
#define SSHDIAL_TEST_SKIP_H

#include <stdio.h>

/* Inside a cmocka test: prints "skip: WHY" (the reason run-unit reports), then skips. */
#define skip_because(...)                                                                          \
	do {                                                                                       \
		printf("skip: ");                                                                  \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
		fflush(stdout);                                                                    \
		skip();                                                                            \
	} while (0)

/* A whole test program that cannot run here: exit status 77 (automake's), after the
 * same line. */
#define SKIP_ALL_STATUS 77

#endif
