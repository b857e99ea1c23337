/* What sshdial wrote into a resolver file, remembered as its length and a 64-bit FNV-1a sum
 * of its bytes: enough to tell, at undo, whether the file is still ours.  A file someone
 * rewrote since (NetworkManager, dhclient, resolvconf, a person) is theirs: putting the old
 * one back over it would undo their change, so it is left alone.  Only root writes the
 * file, and root is trusted: the sum guards against accidents, not forgery. */
#ifndef SSHDIAL_RESOLV_MARK_H
#define SSHDIAL_RESOLV_MARK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct resolv_mark {
	uint64_t len;
	uint64_t sum;
};

/* "wrote=LEN,SUM" (SUM 16 lower-case hex digits): a journal field, never a path. */
#define RESOLV_MARK_PREFIX "wrote="
#define RESOLV_MARK_STRLEN 48

void resolv_mark_of(const char *data, size_t len, struct resolv_mark *m);
/* -1 if it does not fit. */
int resolv_mark_format(const struct resolv_mark *m, char *buf, size_t len);
/* Strict: exactly what resolv_mark_format writes. */
bool resolv_mark_parse(const char *s, struct resolv_mark *m);

enum resolv_now {
	RESOLV_NOW_OURS,    /* a regular file holding what sshdial wrote */
	RESOLV_NOW_CHANGED, /* another file, a symlink, another type or other bytes */
	RESOLV_NOW_GONE,    /* no file at all */
};

/* The decision, apart from the file system: exists and regular describe what lstat found
 * at the path, data[0..len) its bytes when regular. */
enum resolv_now resolv_mark_judge(const struct resolv_mark *m, bool exists, bool regular,
                                  const char *data, size_t len);

/* The same for the file at path now (lstat, then its bytes; a file larger than 1 MiB or
 * one that cannot be read counts as changed). */
enum resolv_now resolv_mark_check(const struct resolv_mark *m, const char *path);

#endif
