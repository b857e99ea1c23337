/* Messages for people: to stderr, or to syslog for the server side. */
#ifndef SSHDIAL_LOG_H
#define SSHDIAL_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_COUNT /* keep last */
};

/* ident prefixes every line ("sshdial"); with use_syslog, lines go to syslog instead.  When
 * stderr is systemd's journal ($JOURNAL_STREAM names its device and inode, looked at here),
 * each line starts with its syslog priority, "<3>" error, "<4>" warning, "<6>" info,
 * "<7>" debug, which journald takes off and keeps (journalctl -p). */
void log_open(const char *ident, bool use_syslog);
void log_set_level(enum log_level max);
/* Also appends every line, with the time and ident, to fd (the server's log-file, where no
 * syslog daemon may be listening); -1 stops it. */
void log_also_to_fd(int fd);

/* Every message is one line of text that is safe to show on a terminal: the sinks (stderr,
 * syslog, the extra fd) and log_print_line escape what a message quotes from elsewhere
 * (ssh's and pppd's output, file contents, names), so that it cannot move the cursor, set
 * the window title or split into several lines:
 *   - control bytes 0x00-0x1f and 0x7f become \xNN ("\x1b" for ESC, "\x0a" for a newline);
 *   - the C1 controls U+0080-U+009F, encoded in UTF-8, become \u0080-\u009f;
 *   - a byte that is not part of valid UTF-8 (a stray continuation byte, a cut sequence,
 *     an overlong form, a surrogate, beyond U+10FFFF) becomes \xNN;
 *   - a backslash becomes \\, so that the text above cannot be faked;
 *   - every other character, UTF-8 included, stays as it is.
 * Writes the escaped src into dst (dstlen > 0; always terminated).  A text that does not fit
 * is cut between two characters or escapes, never inside one, and ends with "..."; the
 * result is false then. */
bool log_escape(char *dst, size_t dstlen, const char *src);
/* Writes text to f, escaped as above, and a newline, with one write. */
void log_print_line(FILE *f, const char *text);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Each non-empty line of text (NULL: none) at info level, as "PREFIX: line". */
void log_info_lines(const char *prefix, const char *text);

#endif
