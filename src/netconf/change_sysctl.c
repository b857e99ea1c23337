/* A /proc/sys value (rp_filter on the link, IPv6 off while route-everything has no IPv6
 * route): the old value is journaled, the new one written, the old one restored on undo,
 * unless someone has written another value since: theirs is then left alone.
 *
 * Line: "KEY OLD NEW", KEY the path under /proc/sys ("net/ipv4/conf/ppp0/rp_filter"), each
 * field %XX-escaped (a value such as ip_local_port_range holds a tab). */
#include "netconf/change.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netconf/journal.h"
#include "lib/err.h"
#include "lib/log.h"

/* Letters, digits and "._-@+" in segments separated by single '/', none of them ".." or
 * "."; no leading '/'.  What keeps KEY inside /proc/sys. */
static bool key_valid(const char *key)
{
	size_t n = strnlen(key, CHANGE_SYSCTL_KEY_MAX);

	if (n == 0 || n >= CHANGE_SYSCTL_KEY_MAX || key[0] == '/' || key[n - 1] == '/' ||
	    strstr(key, "//"))
		return false;
	for (const char *p = key; *p; p++)
		if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') ||
		      ('0' <= *p && *p <= '9') || strchr("._-@+/", *p)))
			return false;
	for (const char *seg = key; seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL)
		if (strncmp(seg, "./", 2) == 0 || strncmp(seg, "../", 3) == 0 ||
		    strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0)
			return false;
	return true;
}

static int format(const struct journal_entry *e, char *buf, size_t len)
{
	const struct change_sysctl *s = &e->u.sysctl;
	char k[3 * CHANGE_SYSCTL_KEY_MAX], o[3 * CHANGE_SYSCTL_VALUE_MAX],
	    v[3 * CHANGE_SYSCTL_VALUE_MAX];

	if (!key_valid(s->key) || strnlen(s->old, sizeof(s->old)) == sizeof(s->old) ||
	    strnlen(s->set, sizeof(s->set)) == sizeof(s->set) ||
	    change_escape(s->key, k, sizeof(k)) < 0 || change_escape(s->old, o, sizeof(o)) < 0 ||
	    change_escape(s->set, v, sizeof(v)) < 0)
		return -1;
	int n = snprintf(buf, len, "%s %s %s", k, o, v);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

static const char *parse(char **field, size_t n, struct journal_entry *out)
{
	struct change_sysctl *s = &out->u.sysctl;

	if (n != 3)
		return "want KEY OLD NEW";
	if (!change_unescape(field[0], s->key, sizeof(s->key)) || !key_valid(s->key))
		return "bad key";
	if (!change_unescape(field[1], s->old, sizeof(s->old)))
		return "bad old value";
	if (!change_unescape(field[2], s->set, sizeof(s->set)))
		return "bad new value";
	return NULL;
}

static void describe(const struct journal_entry *e, char *buf, size_t len)
{
	snprintf(buf, len, "sysctl %s", e->u.sysctl.key);
}

static void path_of(const char *key, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/sys/%s", key);
}

/* The value without its newline; 0, or -1 with errno set (ENAMETOOLONG: too long). */
static int read_value(const char *key, char *buf, size_t len)
{
	char path[CHANGE_SYSCTL_KEY_MAX + 16];

	path_of(key, path, sizeof(path));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t r = read(fd, buf, len);
	int e = errno;
	close(fd);
	if (r < 0 || (size_t)r == len) {
		errno = r < 0 ? e : ENAMETOOLONG;
		return -1;
	}
	buf[r] = '\0';
	if (r > 0 && buf[r - 1] == '\n')
		buf[r - 1] = '\0';
	return 0;
}

static int write_value(const char *key, const char *value)
{
	char path[CHANGE_SYSCTL_KEY_MAX + 16];

	path_of(key, path, sizeof(path));
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = strlen(value);
	ssize_t w = write(fd, value, len);
	int e = errno;
	close(fd);
	errno = w < 0 ? e : EIO;
	return w == (ssize_t)len ? 0 : -1;
}

/* The kernel prints what it was given in its own way ("1024 2000" reads back "1024\t2000"):
 * compare the words. */
static bool same_words(const char *a, const char *b)
{
	for (;;) {
		a += strspn(a, " \t\n");
		b += strspn(b, " \t\n");
		size_t la = strcspn(a, " \t\n"), lb = strcspn(b, " \t\n");
		if (la != lb || strncmp(a, b, la) != 0)
			return false;
		if (la == 0)
			return true;
		a += la;
		b += lb;
	}
}

static int prepare(const struct change_env *env, struct journal_entry *e)
{
	struct change_sysctl *s = &e->u.sysctl;

	if (!key_valid(s->key)) {
		log_error("%s: sysctl \"%s\": not a key under /proc/sys", env->label, s->key);
		return -1;
	}
	if (read_value(s->key, s->old, sizeof(s->old)) < 0) {
		err_log(err_errno(env->err, errno, env->label, NULL,
		                  "sysctl %s: cannot read /proc/sys/%s", s->key, s->key));
		return -1;
	}
	if (s->old[0] == '\0' || s->set[0] == '\0') {
		log_error("%s: sysctl %s: an empty value cannot be journaled", env->label, s->key);
		return -1;
	}
	return 0;
}

static int apply(const struct change_env *env, const struct journal_entry *e)
{
	const struct change_sysctl *s = &e->u.sysctl;

	if (write_value(s->key, s->set) == 0)
		return 0;
	err_log(err_errno(env->err, errno, env->label, NULL,
	                  "sysctl %s: cannot write \"%s\" to /proc/sys/%s", s->key, s->set,
	                  s->key));
	return -1;
}

static enum undo_result undo(const struct change_env *env, const struct journal_entry *e)
{
	const struct change_sysctl *s = &e->u.sysctl;
	char now[CHANGE_SYSCTL_VALUE_MAX];

	if (read_value(s->key, now, sizeof(now)) < 0) {
		if (errno == ENOENT) { /* a per-interface key, gone with its interface */
			log_debug("%s: sysctl %s: already gone", env->label, s->key);
			return UNDO_GONE;
		}
		err_log(err_errno(env->err, errno, env->label, NULL,
		                  "cannot restore sysctl %s: cannot read it", s->key));
		return UNDO_FAILED;
	}
	if (!same_words(now, s->set)) {
		log_warn("%s: sysctl %s is \"%s\", not the \"%s\" sshdial set: left as it is, not "
		         "restored to \"%s\"",
		         env->label, s->key, now, s->set, s->old);
		return UNDO_GONE;
	}
	if (write_value(s->key, s->old) == 0)
		return UNDO_REMOVED;
	err_log(err_errno(env->err, errno, env->label, NULL, "cannot restore sysctl %s to \"%s\"",
	                  s->key, s->old));
	return UNDO_FAILED;
}

const struct change_kind change_sysctl = {
    .name = "sysctl",
    .undo_verb = "restored",
    .format = format,
    .parse = parse,
    .prepare = prepare,
    .apply = apply,
    .undo = undo,
    .describe = describe,
};
