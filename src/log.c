#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static const char *log_ident = "sshdial";
static bool log_syslog;
static enum log_level log_max = LOG_LEVEL_INFO;
static int log_extra_fd = -1;

void log_open(const char *ident, bool use_syslog)
{
	log_ident = ident;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog(ident, LOG_PID, LOG_DAEMON);
}

void log_set_level(enum log_level max)
{
	log_max = max;
}

void log_also_to_fd(int fd)
{
	log_extra_fd = fd;
}

static void log_to_extra(enum log_level level, const char *fmt, va_list ap)
{
	static const char *const tag[] = {"error: ", "warning: ", "", ""};
	char line[2048], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
	int n = snprintf(line, sizeof(line), "%s %s[%d]: %s", stamp, log_ident, (int)getpid(),
	                 tag[level]);
	if (n < 0 || (size_t)n >= sizeof(line) - 1)
		return;
	int m = vsnprintf(line + n, sizeof(line) - 1 - (size_t)n, fmt, ap);
	if (m < 0)
		return;
	size_t len = (size_t)n + (size_t)m;
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	/* O_APPEND and one write: lines of several processes stay whole. */
	(void)!write(log_extra_fd, line, len);
}

static void log_v(enum log_level level, const char *fmt, va_list ap)
{
	static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
	static const char *const tag[] = {"error: ", "warning: ", "", ""};

	if (level > log_max)
		return;
	if (log_extra_fd >= 0) {
		va_list copy;
		va_copy(copy, ap);
		log_to_extra(level, fmt, copy);
		va_end(copy);
	}
	if (log_syslog) {
		vsyslog(prio[level], fmt, ap);
		return;
	}
	/* One write per line keeps lines whole when several processes share stderr. */
	char line[2048];
	int n = snprintf(line, sizeof(line), "%s: %s", log_ident, tag[level]);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (m < 0)
		return;
	fprintf(stderr, "%s\n", line);
}

#define LOG_FN(name, level)                                                                        \
	void name(const char *fmt, ...)                                                            \
	{                                                                                          \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		log_v(level, fmt, ap);                                                             \
		va_end(ap);                                                                        \
	}

LOG_FN(log_error, LOG_LEVEL_ERROR)
LOG_FN(log_warn, LOG_LEVEL_WARN)
LOG_FN(log_info, LOG_LEVEL_INFO)
LOG_FN(log_debug, LOG_LEVEL_DEBUG)
