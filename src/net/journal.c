#include "net/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"

/* A journal is a few lines per route; anything far larger is not ours to parse. */
#define JOURNAL_FILE_MAX (16u << 20)

struct journal {
	char *path;
	int fd;
	off_t size;      /* we are the only writer (the lock), so this is the file's size */
	off_t last_size; /* size before the last append, for journal_retract */
};

static bool ifname_valid(const char *name)
{
	size_t n = strnlen(name, IF_NAMESIZE);

	if (n == 0 || n >= IF_NAMESIZE)
		return false;
	/* The kernel refuses these too; refusing them here keeps the line format unambiguous. */
	for (size_t i = 0; i < n; i++)
		if (name[i] <= ' ' || name[i] == '/' || name[i] == ':' || name[i] == 0x7f)
			return false;
	return true;
}

int journal_format(const struct journal_entry *e, char *buf, size_t len)
{
	char dst[CIDR_STRLEN];

	if (e->kind != JOURNAL_ROUTE || e->ifindex == 0 || e->ifindex > INT_MAX ||
	    !ifname_valid(e->ifname))
		return -1;
	cidr_format(&e->dst, dst, sizeof(dst));
	int n = snprintf(buf, len, "route %u %s %s\n", e->ifindex, e->ifname, dst);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return n;
}

static bool parse_ifindex(const char *s, unsigned *out)
{
	char *end;

	if (*s < '1' || *s > '9')
		return false;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > INT_MAX)
		return false;
	*out = (unsigned)v;
	return true;
}

bool journal_parse(const char *line, struct journal_entry *out)
{
	char copy[JOURNAL_LINE_MAX];
	char *field[4];
	size_t n = 0;
	char *save = NULL;

	if (strlen(line) >= sizeof(copy))
		return false;
	strcpy(copy, line);
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (n == 4)
			return false;
		field[n++] = t;
	}
	if (n != 4 || strcmp(field[0], "route") != 0)
		return false;

	struct journal_entry e = {.kind = JOURNAL_ROUTE};
	if (!parse_ifindex(field[1], &e.ifindex) || !ifname_valid(field[2]))
		return false;
	strcpy(e.ifname, field[2]);
	if (!cidr_parse(field[3], &e.dst))
		return false;
	*out = e;
	return true;
}

/* Reads the whole file; returns its contents NUL-terminated and its length in *len. */
static char *read_all(int fd, size_t *len)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return NULL;
	if (st.st_size > (off_t)JOURNAL_FILE_MAX) {
		errno = EFBIG;
		return NULL;
	}
	size_t cap = (size_t)st.st_size;
	char *buf = malloc(cap + 1);
	if (!buf)
		return NULL;
	size_t got = 0;
	while (got < cap) {
		ssize_t r = pread(fd, buf + got, cap - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	*len = got;
	return buf;
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
		if (strlen(p) != (size_t)(nl - p) || !journal_parse(p, &e)) {
			log_warn("%s:%u: unreadable journal entry skipped: \"%.80s\"", j->path,
			         lineno, p);
			continue;
		}
		if (push_entry(&v, &n, &cap, &e) < 0) {
			free(v);
			free(buf);
			errno = ENOMEM;
			return -1;
		}
	}
	if ((size_t)(p - buf) < len)
		log_warn("%s:%u: incomplete last line dropped (a write cut short, never applied)",
		         j->path, lineno + 1);
	off_t complete = (off_t)(p - buf);
	free(buf);
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

int journal_clear(struct journal *j)
{
	if (ftruncate(j->fd, 0) < 0)
		return -1;
	j->size = j->last_size = 0;
	return 0;
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
