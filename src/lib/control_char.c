#include "lib/control_char.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

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
