/* Messages for people: to stderr, or to syslog for the server side. */
#ifndef SSHDIAL_LOG_H
#define SSHDIAL_LOG_H

#include <stdbool.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* ident prefixes every line ("sshdial"); with use_syslog, lines go to syslog instead. */
void log_open(const char *ident, bool use_syslog);
void log_set_level(enum log_level max);
/* Also appends every line, with the time and ident, to fd (the server's log-file, where no
 * syslog daemon may be listening); -1 stops it. */
void log_also_to_fd(int fd);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
