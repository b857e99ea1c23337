#include "netconf/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/rtnetlink.h>

#include "lib/err.h"
#include "lib/log.h"
#include "lib/file_read.h"
#include "lib/file_write.h"

/* A journal is a few lines per route; anything far larger is not ours to parse. */
#define JOURNAL_FILE_MAX (16u << 20)

struct journal {
	char *path;
	int fd;
	off_t size;      /* we are the only writer (the lock), so this is the file's size */
	off_t last_size; /* size before the last append, for journal_retract */
};

static const char *const scope_names[] = {
    [JOURNAL_ATTEMPT] = "attempt", [JOURNAL_SESSION] = "session"};
_Static_assert(sizeof(scope_names) / sizeof(scope_names[0]) == JOURNAL_SCOPE_COUNT,
               "a name for each journal scope");

/* A route as sshdial wrote it before scopes: no scope word, protocol static. */
static bool is_legacy_route(const struct journal_entry *e)
{
	return e->kind == JOURNAL_ROUTE && e->u.route.protocol == RTPROT_STATIC;
}

int journal_format(const struct journal_entry *e, char *buf, size_t len)
{
	const struct change_kind *k = change_kind_of(e->kind);
	char fields[JOURNAL_LINE_MAX];
	int n;

	if (!k || (e->scope != JOURNAL_ATTEMPT && e->scope != JOURNAL_SESSION))
		return -1;
	if (k->format(e, fields, sizeof(fields)) < 0)
		return -1;
	if (is_legacy_route(e))
		n = e->scope == JOURNAL_ATTEMPT ? snprintf(buf, len, "route %s\n", fields) : -1;
	else
		n = snprintf(buf, len, "%s %s %s\n", scope_names[e->scope], k->name, fields);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return n;
}

/* Splits line (modified) at single spaces into at most max fields; -1 if more. */
static int split(char *line, char **field, size_t max)
{
	size_t n = 0;
	char *save = NULL;

	for (char *t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (n == max)
			return -1;
		field[n++] = t;
	}
	return (int)n;
}

/* Sets why to the printf-formatted reason; returns false, the verdict. */
__attribute__((format(printf, 2, 3))) static bool refuse(struct err *why, const char *fmt, ...)
{
	char text[ERR_WHAT_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	err_set(why, NULL, NULL, "%s", text);
	return false;
}

/* false with why set when the fields are no change sshdial writes. */
static bool parse_fields(char **field, size_t n, struct journal_entry *e, struct err *why)
{
	size_t first = 1;
	enum journal_kind kind;
	const struct change_kind *k = change_kind_named(field[0], &kind);

	if (k && kind == JOURNAL_ROUTE) {
		e->scope = JOURNAL_ATTEMPT; /* a line from before scopes */
	} else if (strcmp(field[0], "attempt") == 0 || strcmp(field[0], "session") == 0) {
		e->scope = field[0][0] == 'a' ? JOURNAL_ATTEMPT : JOURNAL_SESSION;
		if (n < 2)
			return refuse(why, "no kind of change after the scope");
		k = change_kind_named(field[1], &kind);
		first = 2;
		if (!k)
			return refuse(why, "unknown kind of change \"%.32s\"", field[1]);
	} else {
		return refuse(why, "unknown scope \"%.32s\" (attempt or session)", field[0]);
	}
	e->kind = kind;
	const char *err = k->parse(field + first, n - first, e);
	if (err)
		return refuse(why, "%s: %s", k->name, err);
	if (first == 1)
		e->u.route.protocol = RTPROT_STATIC;
	return true;
}

bool journal_parse_why(const char *line, struct journal_entry *out, struct err *why)
{
	char copy[JOURNAL_LINE_MAX], again[JOURNAL_LINE_MAX];
	char *field[24];
	struct journal_entry e;

	if (strlen(line) >= sizeof(copy))
		return refuse(why, "line too long");
	strcpy(copy, line);
	int n = split(copy, field, sizeof(field) / sizeof(field[0]));
	if (n < 0)
		return refuse(why, "too many fields");
	if (n == 0)
		return refuse(why, "empty line");
	memset(&e, 0, sizeof(e));
	if (!parse_fields(field, (size_t)n, &e, why))
		return false;
	/* What a kind reads leniently (a leading zero, a second space) must still be exactly
	 * what journal_format writes: a line that is not came from somewhere else. */
	int len = journal_format(&e, again, sizeof(again));
	if (len <= 0)
		return refuse(why, "fields out of range");
	again[len - 1] = '\0';
	if (strcmp(again, line) != 0)
		return refuse(why, "not in the form sshdial writes");
	*out = e;
	return true;
}

bool journal_parse(const char *line, struct journal_entry *out)
{
	struct err why;
	return journal_parse_why(line, out, &why);
}

bool journal_entry_equal(const struct journal_entry *a, const struct journal_entry *b)
{
	char la[JOURNAL_LINE_MAX], lb[JOURNAL_LINE_MAX];

	/* The line holds every field a kind uses, and nothing else. */
	return journal_format(a, la, sizeof(la)) > 0 && journal_format(b, lb, sizeof(lb)) > 0 &&
	       strcmp(la, lb) == 0;
}

/* Reads the whole file; returns its contents NUL-terminated and its length in *len, or
 * NULL with errno set. */
static char *read_all(int fd, size_t *len)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return NULL;
	if (st.st_size > (off_t)JOURNAL_FILE_MAX) {
		errno = EFBIG;
		return NULL;
	}
	/* We hold the lock, so no one else writes: the file is the size fstat saw. */
	return regular_file_read(fd, (size_t)st.st_size, len);
}

static int push_entry(struct journal_entry **v, size_t *n, size_t *cap,
                      const struct journal_entry *e)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct journal_entry *nv = realloc(*v, ncap * sizeof(**v));
		if (!nv)
			return -1;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = *e;
	return 0;
}

/* Parses every complete line of the file; returns the length of the part made of complete
 * lines (where the next append must start), or -1 with errno set. */
static off_t read_entries(struct journal *j, struct journal_entry **out, size_t *nout)
{
	size_t len;
	char *buf = read_all(j->fd, &len);
	struct journal_entry *v = NULL;
	size_t n = 0, cap = 0;
	unsigned lineno = 0;
	char *p = buf;

	if (!buf)
		return -1;
	for (char *nl; (nl = memchr(p, '\n', len - (size_t)(p - buf))); p = nl + 1) {
		struct journal_entry e;

		*nl = '\0';
		lineno++;
		if (*p == '\0')
			continue;
		struct err why, skipped;
		if (strlen(p) != (size_t)(nl - p))
			err_set(&why, NULL, NULL, "a NUL byte in the line");
		else if (journal_parse_why(p, &e, &why))
			err_clear(&why);
		if (err_is_set(&why)) {
			/* Not fatal: the other lines are still changes to undo. */
			err_set(&skipped, NULL, "undo it by hand if it was applied",
			        "unreadable journal entry skipped (%s): \"%.80s\"", why.what, p);
			err_log_warn(err_where(&skipped, "%s:%u", j->path, lineno));
			continue;
		}
		if (push_entry(&v, &n, &cap, &e) < 0) {
			free(v);
			regular_file_free(buf, len);
			errno = ENOMEM;
			return -1;
		}
	}
	if ((size_t)(p - buf) < len)
		log_warn("%s:%u: incomplete last line dropped (a write cut short, never applied)",
		         j->path, lineno + 1);
	off_t complete = (off_t)(p - buf);
	regular_file_free(buf, len);
	*out = v;
	*nout = n;
	return complete;
}

/* Opens and locks path, making sure the locked file is still the one at path: a process
 * that closes the journal unlinks it first, and a lock on an unlinked file protects nothing. */
static int open_locked(const char *path)
{
	for (int attempt = 0; attempt < 5; attempt++) {
		int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return -1;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		struct stat held, now;
		if (fstat(fd, &held) == 0 && stat(path, &now) == 0 && held.st_dev == now.st_dev &&
		    held.st_ino == now.st_ino)
			return fd;
		close(fd);
	}
	errno = EAGAIN;
	return -1;
}

/* A rewrite cut short by a crash leaves PATH.new beside the journal, which was kept whole. */
static void drop_leftover_new(const char *path)
{
	char tmp[PATH_MAX];

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) < sizeof(tmp) && unlink(tmp) == 0)
		log_debug("%s: removed a rewrite cut short", tmp);
}

struct journal *journal_open(const char *path, struct journal_entry **stale, size_t *nstale)
{
	struct journal *j = calloc(1, sizeof(*j));

	*stale = NULL;
	*nstale = 0;
	if (!j)
		return NULL;
	j->path = strdup(path);
	j->fd = -1;
	if (!j->path)
		goto fail;
	j->fd = open_locked(path);
	if (j->fd < 0)
		goto fail;
	drop_leftover_new(path);
	off_t complete = read_entries(j, stale, nstale);
	if (complete < 0)
		goto fail;
	struct stat st;
	if (fstat(j->fd, &st) < 0)
		goto fail_entries;
	if (st.st_size != complete && ftruncate(j->fd, complete) < 0)
		goto fail_entries;
	j->size = j->last_size = complete;
	return j;

fail_entries:
	free(*stale);
	*stale = NULL;
	*nstale = 0;
fail : {
	int e = errno;
	if (j->fd >= 0)
		close(j->fd);
	free(j->path);
	free(j);
	errno = e;
	return NULL;
}
}

int journal_append(struct journal *j, const struct journal_entry *e)
{
	char line[JOURNAL_LINE_MAX];
	int len = journal_format(e, line, sizeof(line));

	if (len < 0) {
		errno = EINVAL;
		return -1;
	}
	ssize_t w;
	do
		w = write(j->fd, line, (size_t)len);
	while (w < 0 && errno == EINTR);
	if (w == len) {
		j->last_size = j->size;
		j->size += len;
		return 0;
	}
	/* A short write (disk full) leaves half a line; cut it off so the file stays whole. */
	int saved = w < 0 ? errno : ENOSPC;
	if (w > 0 && ftruncate(j->fd, j->size) < 0)
		log_warn("%s: cannot cut off a partial line: %s", j->path, strerror(errno));
	errno = saved;
	return -1;
}

int journal_retract(struct journal *j)
{
	if (ftruncate(j->fd, j->last_size) < 0)
		return -1;
	j->size = j->last_size;
	return 0;
}

/* Opens PATH.new, locked, emptied: a leftover of a rewrite cut short is just overwritten. */
static int open_new(const char *path, char *tmp, size_t len)
{
	if ((size_t)snprintf(tmp, len, "%s.new", path) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int journal_rewrite(struct journal *j, const struct journal_entry *entries, size_t n)
{
	char tmp[PATH_MAX], line[JOURNAL_LINE_MAX];
	off_t size = 0;
	int fd = open_new(j->path, tmp, sizeof(tmp));

	if (fd < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int len = journal_format(&entries[i], line, sizeof(line));
		if (len < 0)
			errno = EINVAL;
		if (len < 0 || write_all(fd, line, (size_t)len) < 0)
			goto fail;
		size += len;
	}
	/* The new file is locked before it takes the name: a process opening the journal now
	 * finds it held, and one that locked the old file sees it replaced (open_locked). */
	if (rename(tmp, j->path) < 0)
		goto fail;
	close(j->fd);
	j->fd = fd;
	j->size = j->last_size = size;
	return 0;
fail : {
	int e = errno;
	unlink(tmp);
	close(fd);
	errno = e;
	return -1;
}
}

int journal_clear(struct journal *j)
{
	if (ftruncate(j->fd, 0) < 0)
		return -1;
	j->size = j->last_size = 0;
	return 0;
}

int journal_sync(struct journal *j)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(j->path, '/');

	if (fsync(j->fd) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%.*s", slash && slash != j->path ? (int)(slash - j->path) : 1,
	         slash ? j->path : ".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

const char *journal_path(const struct journal *j)
{
	return j->path;
}

void journal_close(struct journal *j, bool remove)
{
	if (!j)
		return;
	/* Unlink while still holding the lock: see open_locked. */
	if (remove && unlink(j->path) < 0 && errno != ENOENT)
		log_warn("%s: cannot remove journal: %s", j->path, strerror(errno));
	close(j->fd);
	free(j->path);
	free(j);
}
