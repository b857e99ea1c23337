/* Writing a whole buffer to a descriptor, through short writes and interruptions. */
#ifndef SSHDIAL_WRITE_ALL_H
#define SSHDIAL_WRITE_ALL_H

#include <stddef.h>

/* Writes all len bytes of buf to fd; 0, or -1 with errno set (a write that takes nothing
 * is an error too: EIO, where it would otherwise loop forever). */
int write_all(int fd, const void *buf, size_t len);

#endif
