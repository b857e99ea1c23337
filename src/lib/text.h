/* Small rules about text: whether a string begins with another, control characters
 * refused and quoted, the names sshdial builds paths and tags from. */
#ifndef SSHDIAL_TEXT_H
#define SSHDIAL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Whether a string begins with another: how sshdial reads the exact forms of pppd's and
 * ssh's log lines. */

bool str_has_prefix(const char *s, const char *prefix);

/* Text that reaches a file, a command line or a log line one value at a time must not
 * carry control characters: they would end a line early or act on a terminal; bytes from
 * elsewhere are quoted with them escaped. */

/* true if the n bytes at s hold a control character (iscntrl) other than tab, which is
 * allowed because people lay out values and key comments with it. */
bool has_control_char(const char *s, size_t n);

/* Writes the n bytes at src into dst (dstlen > 0; always terminated) for a message that
 * quotes what a remote program sent: printable ASCII as it is, every other byte and the
 * backslash as \xNN.  Stops before a byte whose form does not fit. */
void quote_bytes(char *dst, size_t dstlen, const void *src, size_t n);

/* The names sshdial builds paths and tags from (a peer's, a client key's): the rule that
 * keeps such a name one plain path component that no place it goes needs to quote. */

/* Long enough for any sensible name, short enough for a socket path and an ifname-sized
 * log label. */
#define SAFE_NAME_MAX 32

/* 1 to SAFE_NAME_MAX of [A-Za-z0-9._-], not starting with '.': no '/', no "." or "..", no
 * hidden file, nothing a shell, syslog or pppd's option parser would treat specially. */
bool safe_name_valid(const char *name);

#endif
