/* The undo journal: a text file listing the system changes a link has applied, one line each,
 * appended before the change is made, so that a later run can undo what a crashed one left.
 *
 * Format, one change per line, fields separated by single spaces:
 *
 *     route IFINDEX IFNAME CIDR        e.g. "route 4 ppp0 10.1.0.0/16"
 *
 * IFINDEX tells the interface that carried the route apart from a later one of the same
 * name.  Blank lines are ignored.  A last line without its newline is a write cut short by
 * a crash: the change it describes was never applied, so it is dropped.
 *
 * The journal lives in /run (tmpfs): the routes it describes do not survive a reboot either,
 * so it is never fsync'ed. */
#ifndef SSHDIAL_JOURNAL_H
#define SSHDIAL_JOURNAL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/cidr.h"

enum journal_kind {
	JOURNAL_ROUTE = 1, /* a route to dst through interface ifindex, no gateway */
};

struct journal_entry {
	enum journal_kind kind;
	unsigned ifindex;
	char ifname[IF_NAMESIZE];
	struct cidr dst;
};

/* Longest line journal_format writes, newline and NUL included. */
#define JOURNAL_LINE_MAX (16 + 12 + IF_NAMESIZE + CIDR_STRLEN)

/* Writes e as one line ending in '\n'.  Returns its length, or -1 if e is not valid
 * (unknown kind, empty or overlong ifname, ifindex 0) or buf is too small. */
int journal_format(const struct journal_entry *e, char *buf, size_t len);

/* Parses one line without its '\n'.  False on anything journal_format would not write. */
bool journal_parse(const char *line, struct journal_entry *out);

struct journal;

/* Opens the journal at path (mode 0600, created if missing; the directory must exist) and
 * takes an exclusive lock on it, so that a second process for the same peer cannot undo a
 * live link's changes.  The entries already in the file (left by a run that did not undo
 * them) are returned oldest first in *stale (malloc'ed, the caller frees) and *nstale;
 * unreadable lines are logged as "PATH:LINE: ..." and skipped, and an incomplete last line
 * is cut off so that the next append starts on a line of its own.
 * NULL with errno set on failure: EWOULDBLOCK when another process holds the journal. */
struct journal *journal_open(const char *path, struct journal_entry **stale, size_t *nstale);

/* Appends e as one line with a single write(2).  0, or -1 with errno set (the file is then
 * as it was). */
int journal_append(struct journal *j, const struct journal_entry *e);

/* Removes the line of the last journal_append, for a change that could not be applied.
 * 0, or -1 with errno set (the extra line is harmless: undoing it finds nothing). */
int journal_retract(struct journal *j);

/* Empties the file: everything it listed has been undone.  0, or -1 with errno set. */
int journal_clear(struct journal *j);

const char *journal_path(const struct journal *j);

/* Closes the file, releasing the lock; with remove, deletes it first (a failure to is
 * logged).  NULL is allowed. */
void journal_close(struct journal *j, bool remove);

#endif
