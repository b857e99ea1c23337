#include "lib/control_char.h"

#include <ctype.h>

bool has_control_char(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (iscntrl((unsigned char)s[i]) && s[i] != '\t')
			return true;
	return false;
}
