/* Text that reaches a file, a command line or a log line one value at a time must not
 * carry control characters: they would end a line early or act on a terminal. */
#ifndef SSHDIAL_CONTROL_CHAR_H
#define SSHDIAL_CONTROL_CHAR_H

#include <stdbool.h>
#include <stddef.h>

/* true if the n bytes at s hold a control character (iscntrl) other than tab, which is
 * allowed because people lay out values and key comments with it. */
bool has_control_char(const char *s, size_t n);

#endif
