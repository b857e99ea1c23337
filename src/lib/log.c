#include "lib/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static const char *log_ident = "sshdial";
static bool log_syslog;
static enum log_level log_max = LOG_LEVEL_INFO;
static int log_extra_fd = -1;
static bool log_journal; /* stderr is systemd's journal: lines carry their priority */

/* The longest escaped message, in bytes; a longer one is cut and ends with "...". */
#define LOG_LINE_MAX 4096

/* systemd sets JOURNAL_STREAM to "DEVICE:INODE" of the stream it connects to stderr; a
 * child that inherited the variable but writes elsewhere must not prefix (sd-daemon(3)). */
static bool stderr_is_journal(void)
{
	const char *v = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	char end;
	struct stat st;
	if (!v || sscanf(v, "%llu:%llu%c", &dev, &ino, &end) != 2 || fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_open(const char *ident, bool use_syslog)
{
	log_ident = ident;
	log_journal = stderr_is_journal();
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

/* The length of the valid UTF-8 sequence that starts at s (1 for ASCII), or 0 when s does
 * not start one (RFC 3629: no overlong forms, no surrogates, nothing beyond U+10FFFF).  s
 * is NUL-terminated, and NUL is no continuation byte: the look-ahead stops there. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 2;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 3;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i <= need; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return need + 1;
}

bool log_escape(char *dst, size_t dstlen, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	/* Where the last pieces began, to step back over them for the "..." of a cut. */
	size_t out = 0, marks[4] = {0};
	unsigned nmarks = 0;

	while (*s) {
		char piece[8];
		size_t n, advance = utf8_len(s);
		if (*s == '\\') {
			memcpy(piece, "\\\\", n = 2);
		} else if (*s < 0x20 || *s == 0x7f || advance == 0) {
			n = (size_t)snprintf(piece, sizeof(piece), "\\x%02x", *s);
			advance = 1;
		} else if (advance == 2 && s[0] == 0xc2 && s[1] <= 0x9f) {
			n = (size_t)snprintf(piece, sizeof(piece), "\\u%04x", s[1]);
		} else {
			memcpy(piece, s, n = advance);
		}
		if (out + n >= dstlen)
			goto cut;
		marks[nmarks++ % 4] = out;
		memcpy(dst + out, piece, n);
		out += n;
		s += advance;
	}
	dst[out] = 0;
	return true;
cut:
	/* Every piece is at least a byte: three steps back make room for "...". */
	for (unsigned k = 0; k < 3 && nmarks > 0 && out + 3 >= dstlen; k++)
		out = marks[--nmarks % 4];
	if (out + 3 < dstlen) {
		memcpy(dst + out, "...", 3);
		out += 3;
	} else {
		out = 0;
	}
	dst[out] = 0;
	return false;
}

void log_print_line(FILE *f, const char *text)
{
	char line[LOG_LINE_MAX];
	log_escape(line, sizeof(line) - 1, text);
	size_t n = strlen(line);
	line[n++] = '\n';
	fwrite(line, 1, n, f);
	fflush(f);
}

static void log_to_extra(enum log_level level, const char *msg)
{
	static const char *const tag[] = {"error: ", "warning: ", "", ""};
	_Static_assert(sizeof(tag) / sizeof(tag[0]) == LOG_LEVEL_COUNT, "a tag for each level");
	char line[LOG_LINE_MAX + 128], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
	int n = snprintf(line, sizeof(line), "%s %s[%d]: %s%s\n", stamp, log_ident, (int)getpid(),
	                 tag[level], msg);
	if (n < 0)
		return;
	/* O_APPEND and one write: lines of several processes stay whole. */
	(void)!write(log_extra_fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line));
}

static void log_v(enum log_level level, const char *fmt, va_list ap)
{
	static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
	_Static_assert(sizeof(prio) / sizeof(prio[0]) == LOG_LEVEL_COUNT,
	               "a priority for each level");
	static const char *const tag[] = {"error: ", "warning: ", "", ""};
	_Static_assert(sizeof(tag) / sizeof(tag[0]) == LOG_LEVEL_COUNT, "a tag for each level");

	if (level > log_max)
		return;
	/* Escaped once, here, for every sink: see log.h. */
	char *raw = NULL, msg[LOG_LINE_MAX];
	if (vasprintf(&raw, fmt, ap) < 0)
		raw = NULL;
	log_escape(msg, sizeof(msg), raw ? raw : "(out of memory formatting a message)");
	free(raw);
	if (log_extra_fd >= 0)
		log_to_extra(level, msg);
	if (log_syslog) {
		syslog(prio[level], "%s", msg);
		return;
	}
	/* One write per line keeps lines whole when several processes share stderr. */
	char line[LOG_LINE_MAX + 64];
	char pri[4] = "";
	if (log_journal)
		snprintf(pri, sizeof(pri), "<%d>", prio[level]);
	int n = snprintf(line, sizeof(line), "%s%s: %s%s\n", pri, log_ident, tag[level], msg);
	if (n < 0)
		return;
	(void)!write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line));
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

void log_info_lines(const char *prefix, const char *text)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n)
			log_info("%s: %.*s", prefix, (int)n, p);
		p += n + (nl != NULL);
	}
}
