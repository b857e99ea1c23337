#include "lib/text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

bool str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool has_control_char(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (iscntrl((unsigned char)s[i]) && s[i] != '\t')
			return true;
	return false;
}

void quote_bytes(char *dst, size_t dstlen, const void *src, size_t n)
{
	const unsigned char *b = src;
	size_t o = 0;
	dst[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char piece[5];
		int len =
		    snprintf(piece, sizeof(piece),
		             b[i] >= 0x20 && b[i] < 0x7f && b[i] != '\\' ? "%c" : "\\x%02x", b[i]);
		if (o + (size_t)len >= dstlen)
			break;
		memcpy(dst + o, piece, (size_t)len + 1);
		o += (size_t)len;
	}
}

bool safe_name_valid(const char *name)
{
	size_t n = strlen(name);
	return n > 0 && n <= SAFE_NAME_MAX && name[0] != '.' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
	           n;
}
