#include "lib/self_exe.h"

#include <errno.h>
#include <unistd.h>

int self_exe(char *buf, size_t len)
{
	if (len == 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	ssize_t n = readlink("/proc/self/exe", buf, len);
	if (n < 0)
		return -1;
	/* readlink neither terminates nor says it cut: a path that fills buf may be cut. */
	if ((size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	buf[n] = '\0';
	return 0;
}
