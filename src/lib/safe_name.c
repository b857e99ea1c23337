#include "lib/safe_name.h"

#include <string.h>

bool safe_name_valid(const char *name)
{
	size_t n = strlen(name);
	return n > 0 && n <= SAFE_NAME_MAX && name[0] != '.' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
	           n;
}
