/* The path of the running sshdial binary, for the links that make pppd run it again. */
#ifndef SSHDIAL_SELF_EXE_H
#define SSHDIAL_SELF_EXE_H

#include <stddef.h>

/* Writes the binary's path (readlink of /proc/self/exe) into buf, NUL-terminated; 0, or
 * -1 with errno set (ENAMETOOLONG when it does not fit in len bytes). */
int self_exe(char *buf, size_t len);

#endif
