/* Whether a string begins with another: how sshdial reads the exact forms of pppd's and
 * ssh's log lines. */
#ifndef SSHDIAL_STR_PREFIX_H
#define SSHDIAL_STR_PREFIX_H

#include <stdbool.h>

bool str_has_prefix(const char *s, const char *prefix);

#endif
