/* A file replaced whole (the resolver's /etc/resolv.conf), its old self kept in a backup file
 * next to the journal, so that undo, even after a crash, puts back the very bytes, or the
 * symlink (systemd-resolved's stub), or the absence.  Mode and owner travel with the backup.
 * Both replace and restore go through a new file renamed over the old: a reader never sees
 * half a file.
 *
 * Line: "WAS PATH [BACKUP] [wrote=LEN,SUM]", WAS "file", "link" or "absent" (then no
 * BACKUP), paths absolute and %XX-escaped, the last field what sshdial wrote (resolv_mark.h;
 * a line from before marks has none).  The backup is written before the line and the line
 * before the change: a crash between them leaves a backup no line names, which is harmless.
 *
 * Undo puts the old file back only over the file sshdial wrote: one rewritten since (by
 * NetworkManager, dhclient, a person) is left as it is, and the log says so and where the
 * old one is kept.  The journal that names the backup may live in /var/lib/sshdial
 * (netconf_keep_dns_in), so that the start after a power loss still restores it. */
#include "netconf/change.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netconf/journal.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/file_write.h"

static const char *const was_names[] = {
    [RESOLV_WAS_FILE] = "file", [RESOLV_WAS_LINK] = "link", [RESOLV_WAS_ABSENT] = "absent"};
_Static_assert(sizeof(was_names) / sizeof(was_names[0]) == RESOLV_WAS_COUNT,
               "a name for each kind of resolv.conf before");

/* Absolute, no empty, "." or ".." component: the path says where it is without help. */
static bool path_valid(const char *p)
{
	size_t n = strnlen(p, CHANGE_PATH_MAX);

	if (n < 2 || n >= CHANGE_PATH_MAX || p[0] != '/')
		return false;
	for (const char *seg = p + 1; seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL) {
		size_t len = strcspn(seg, "/");
		if (len == 0 || (len == 1 && seg[0] == '.') ||
		    (len == 2 && seg[0] == '.' && seg[1] == '.'))
			return false;
	}
	return true;
}

static int format(const struct journal_entry *e, char *buf, size_t len)
{
	const struct change_resolv *r = &e->u.resolv;
	char p[3 * CHANGE_PATH_MAX], b[3 * CHANGE_PATH_MAX] = "", m[RESOLV_MARK_STRLEN + 1] = "";
	bool absent = r->was == RESOLV_WAS_ABSENT;

	if ((r->was != RESOLV_WAS_FILE && r->was != RESOLV_WAS_LINK && !absent) ||
	    !path_valid(r->path) || change_escape(r->path, p, sizeof(p)) < 0 ||
	    (absent ? r->backup[0] != '\0'
	            : !path_valid(r->backup) || change_escape(r->backup, b, sizeof(b)) < 0))
		return -1;
	if (r->has_mark && (m[0] = ' ', resolv_mark_format(&r->mark, m + 1, sizeof(m) - 1) < 0))
		return -1;
	int n = snprintf(buf, len, "%s %s%s%s%s", was_names[r->was], p, absent ? "" : " ", b, m);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

static const char *parse(char **field, size_t n, struct journal_entry *out)
{
	struct change_resolv *r = &out->u.resolv;

	if (n >= 3 && strncmp(field[n - 1], RESOLV_MARK_PREFIX, strlen(RESOLV_MARK_PREFIX)) == 0) {
		if (!resolv_mark_parse(field[n - 1], &r->mark))
			return "bad mark of what was written";
		r->has_mark = true;
		n--;
	}
	if (n < 2)
		return "want WAS PATH [BACKUP] [wrote=LEN,SUM]";
	for (int w = RESOLV_WAS_FILE; w <= RESOLV_WAS_ABSENT; w++)
		if (strcmp(field[0], was_names[w]) == 0)
			r->was = (enum resolv_was)w;
	if (!r->was)
		return "WAS is file, link or absent";
	if (n != (r->was == RESOLV_WAS_ABSENT ? 2u : 3u))
		return r->was == RESOLV_WAS_ABSENT ? "absent takes no backup" : "no backup named";
	if (!change_unescape(field[1], r->path, sizeof(r->path)) || !path_valid(r->path))
		return "bad path";
	if (n == 3 &&
	    (!change_unescape(field[2], r->backup, sizeof(r->backup)) || !path_valid(r->backup)))
		return "bad backup path";
	return NULL;
}

static void describe(const struct journal_entry *e, char *buf, size_t len)
{
	snprintf(buf, len, "resolver file %s", e->u.resolv.path);
}

/* Copies from to to, both open; 0, or -1 with errno set. */
static int copy_fd(int from, int to)
{
	char buf[8192];
	ssize_t r;

	while ((r = read(from, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || write_all(to, buf, (size_t)r) < 0)
			return -1;
	}
	return 0;
}

/* Puts content (a file's bytes, or with link, a symlink's target) at path through
 * PATH.sshdial-new renamed over it, with st's mode and owner.  0, or -1 with errno set. */
static int put_file(const char *path, bool link, const char *content, size_t len,
                    const struct stat *st)
{
	char tmp[CHANGE_PATH_MAX + 16];

	snprintf(tmp, sizeof(tmp), "%s.sshdial-new", path);
	(void)unlink(tmp); /* a leftover of a crash */
	if (link) {
		char target[PATH_MAX];
		snprintf(target, sizeof(target), "%.*s", (int)len, content);
		if (symlink(target, tmp) < 0)
			return -1;
	} else {
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return -1;
		/* fsync: unlike the journal, the file may be on a disk that outlives a crash. */
		int err = write_all(fd, content, len) < 0 || fchmod(fd, st->st_mode & 07777) < 0 ||
		          fchown(fd, st->st_uid, st->st_gid) < 0 || fsync(fd) < 0;
		int e = errno;
		close(fd);
		errno = e;
		if (err)
			goto fail;
	}
	if (rename(tmp, path) == 0)
		return 0;
fail : {
	int e = errno;
	unlink(tmp);
	errno = e;
	return -1;
}
}

/* Reads all of fd (a backup: small) into a malloc'ed buffer; NULL with errno set. */
static char *slurp(int fd, size_t *len)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return NULL;
	if (st.st_size > (1 << 20)) {
		errno = EFBIG;
		return NULL;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	ssize_t r = buf ? pread(fd, buf, (size_t)st.st_size, 0) : -1;
	if (r != st.st_size) {
		free(buf);
		errno = r < 0 ? errno : EIO;
		return NULL;
	}
	*len = (size_t)r;
	return buf;
}

/* Makes the backup file of r->path's current self, named after the journal. */
static int backup(const struct change_env *env, struct change_resolv *r, const struct stat *st)
{
	char name[CHANGE_PATH_MAX];

	if ((size_t)snprintf(name, sizeof(name), "%s.XXXXXX", env->journal_path) >= sizeof(name)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = mkostemp(name, O_CLOEXEC);
	if (fd < 0)
		return -1;
	int err = 0;
	if (r->was == RESOLV_WAS_LINK) {
		char target[PATH_MAX];
		ssize_t n = readlink(r->path, target, sizeof(target));
		err = n < 0 || (size_t)n == sizeof(target) || write_all(fd, target, (size_t)n) < 0;
	} else {
		int from = open(r->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		err = from < 0 || copy_fd(from, fd) < 0 || fchmod(fd, st->st_mode & 07777) < 0 ||
		      fchown(fd, st->st_uid, st->st_gid) < 0;
		if (from >= 0)
			close(from);
	}
	/* On the disk before the journal line that names it (netconf syncs that one). */
	err = err || fsync(fd) < 0;
	int e = errno;
	close(fd);
	if (err) {
		unlink(name);
		errno = e;
		return -1;
	}
	strcpy(r->backup, name);
	return 0;
}

static int prepare(const struct change_env *env, struct journal_entry *e)
{
	struct change_resolv *r = &e->u.resolv;
	struct stat st;

	if (!path_valid(r->path)) {
		log_error("%s: resolver file \"%s\": not an absolute path", env->label, r->path);
		return -1;
	}
	r->backup[0] = '\0';
	r->has_mark = env->data != NULL;
	if (env->data)
		resolv_mark_of(env->data, env->data_len, &r->mark);
	bool absent = lstat(r->path, &st) < 0;
	if (absent && errno != ENOENT) {
		err_log(err_errno(env->err, errno, env->label, NULL, "resolver file %s", r->path));
		return -1;
	}
	r->was = absent                ? RESOLV_WAS_ABSENT
	         : S_ISLNK(st.st_mode) ? RESOLV_WAS_LINK
	         : S_ISREG(st.st_mode) ? RESOLV_WAS_FILE
	                               : 0;
	if (!r->was) {
		log_error("%s: resolver file %s: neither a file nor a symlink; not replaced",
		          env->label, r->path);
		return -1;
	}
	if (r->was != RESOLV_WAS_ABSENT && backup(env, r, &st) < 0) {
		err_log(err_errno(env->err, errno, env->label, NULL,
		                  "resolver file %s: cannot keep a copy next to %s", r->path,
		                  env->journal_path));
		return -1;
	}
	return 0;
}

static int apply(const struct change_env *env, const struct journal_entry *e)
{
	const struct change_resolv *r = &e->u.resolv;
	struct stat st = {.st_mode = 0644};

	/* The new file takes the old one's mode and owner; a symlink's target's, if any. */
	if (r->was == RESOLV_WAS_FILE || r->was == RESOLV_WAS_LINK) {
		if (stat(r->path, &st) < 0)
			st = (struct stat){.st_mode = 0644};
	}
	if (put_file(r->path, false, env->data, env->data_len, &st) == 0)
		return 0;
	err_log(err_errno(env->err, errno, env->label, NULL, "cannot replace resolver file %s",
	                  r->path));
	return -1;
}

static void discard(const struct change_env *env, const struct journal_entry *e)
{
	(void)env;
	if (e->u.resolv.backup[0])
		unlink(e->u.resolv.backup);
}

static enum undo_result restore(const struct change_env *env, const struct change_resolv *r)
{
	int fd = open(r->backup, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	size_t len;
	char *content = NULL;

	if (fd < 0 && errno == ENOENT) { /* restored already, and the backup deleted */
		log_debug("%s: resolver file %s: restored already", env->label, r->path);
		return UNDO_GONE;
	}
	int err = fd < 0 || fstat(fd, &st) < 0 || !(content = slurp(fd, &len)) ||
	          put_file(r->path, r->was == RESOLV_WAS_LINK, content, len, &st) < 0;
	int e = errno;
	free(content);
	if (fd >= 0)
		close(fd);
	if (err) {
		err_log(err_errno(env->err, e, env->label, NULL,
		                  "cannot restore resolver file %s from %s", r->path, r->backup));
		return UNDO_FAILED;
	}
	if (unlink(r->backup) < 0)
		err_log_warn(err_errno(env->err, errno, env->label, NULL, "cannot remove backup %s",
		                       r->backup));
	return UNDO_REMOVED;
}

/* True when r->path no longer holds what sshdial wrote (logged, with where the old one is). */
static bool changed_since(const struct change_env *env, const struct change_resolv *r)
{
	enum resolv_now now = r->has_mark ? resolv_mark_check(&r->mark, r->path) : RESOLV_NOW_OURS;

	if (now == RESOLV_NOW_OURS)
		return false;
	if (r->was == RESOLV_WAS_ABSENT && now == RESOLV_NOW_GONE)
		log_debug("%s: resolver file %s: removed already", env->label, r->path);
	else if (r->was == RESOLV_WAS_ABSENT)
		log_warn("%s: resolver file %s changed since sshdial wrote it (another program or "
		         "a person rewrote it); left as it is, not removed (there was none before "
		         "the link)",
		         env->label, r->path);
	else
		log_warn("%s: resolver file %s changed since sshdial wrote it (another program or "
		         "a person rewrote or removed it); not restored over it: the file as it "
		         "was before "
		         "the link is kept in %s, put it back by hand if it is the one you want",
		         env->label, r->path, r->backup);
	return true;
}

static enum undo_result undo(const struct change_env *env, const struct journal_entry *e)
{
	const struct change_resolv *r = &e->u.resolv;

	if (r->was != RESOLV_WAS_ABSENT && access(r->backup, F_OK) < 0 && errno == ENOENT) {
		log_debug("%s: resolver file %s: restored already", env->label, r->path);
		return UNDO_GONE;
	}
	if (changed_since(env, r))
		return UNDO_GONE;
	if (r->was != RESOLV_WAS_ABSENT)
		return restore(env, r);
	if (unlink(r->path) == 0 || errno == ENOENT)
		return UNDO_REMOVED;
	err_log(err_errno(env->err, errno, env->label, NULL,
	                  "cannot remove resolver file %s (there was none before)", r->path));
	return UNDO_FAILED;
}

const struct change_kind change_resolv = {
    .name = "resolv",
    .undo_verb = "restored",
    .format = format,
    .parse = parse,
    .prepare = prepare,
    .apply = apply,
    .discard = discard,
    .undo = undo,
    .describe = describe,
};
