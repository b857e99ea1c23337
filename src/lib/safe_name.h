/* The names sshdial builds paths and tags from (a peer's, a client key's): the rule that
 * keeps such a name one plain path component that no place it goes needs to quote. */
#ifndef SSHDIAL_SAFE_NAME_H
#define SSHDIAL_SAFE_NAME_H

#include <stdbool.h>

/* Long enough for any sensible name, short enough for a socket path and an ifname-sized
 * log label. */
#define SAFE_NAME_MAX 32

/* 1 to SAFE_NAME_MAX of [A-Za-z0-9._-], not starting with '.': no '/', no "." or "..", no
 * hidden file, nothing a shell, syslog or pppd's option parser would treat specially. */
bool safe_name_valid(const char *name);

#endif
