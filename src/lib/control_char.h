/* Text that reaches a file, a command line or a log line one value at a time must not
 * carry control characters: they would end a line early or act on a terminal; bytes from
 * elsewhere are quoted with them escaped. */
#ifndef SSHDIAL_CONTROL_CHAR_H
#define SSHDIAL_CONTROL_CHAR_H

#include <stdbool.h>
#include <stddef.h>

/* true if the n bytes at s hold a control character (iscntrl) other than tab, which is
 * allowed because people lay out values and key comments with it. */
bool has_control_char(const char *s, size_t n);

/* Writes the n bytes at src into dst (dstlen > 0; always terminated) for a message that
 * quotes what a remote program sent: printable ASCII as it is, every other byte and the
 * backslash as \xNN.  Stops before a byte whose form does not fit. */
void quote_bytes(char *dst, size_t dstlen, const void *src, size_t n);

#endif
