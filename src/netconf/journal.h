/* The undo journal: a text file listing the system changes a peer's run has applied, one line
 * each, appended before the change is made, so that a later run can undo what a crashed one
 * left.
 *
 * Format, one change per line, fields separated by single spaces:
 *
 *     SCOPE KIND FIELDS...
 *
 * SCOPE is "attempt" (undone when the link goes down) or "session" (kept while redialing,
 * undone on exit); KIND and its FIELDS are those of one of the kinds in change.h, e.g.
 *
 *     attempt route 4 ppp0 10.1.0.0/16                  (IFINDEX IFNAME CIDR)
 *     attempt route 4 ppp0 0.0.0.0/0 table 83 metric 0  (... in a table of sshdial's)
 *     session unreachable ::/0 83 1000                  (CIDR TABLE METRIC)
 *     session rule 4 1000 unreachable                   (FAMILY PRIORITY ACTION [OPTIONS])
 *     attempt addr 4 ppp0 fd00::2/64                    (IFINDEX IFNAME ADDRESS/PREFIX)
 *     session sysctl net/ipv4/conf/all/rp_filter 2 0    (KEY OLD NEW, %XX-escaped)
 *     session resolv file /etc/resolv.conf BACKUP       (WAS PATH [BACKUP])
 *     attempt masq 192.168.77.10 eth0                   (ADDRESS OIFNAME)
 *     attempt resolvconf ppp0                           (IFNAME: its record, dns_cmd.h)
 *     attempt resolved 4 ppp0                           (IFINDEX IFNAME)
 *     session guard sshdial_guard_work 1001 10.0.0.5:22 nodns -   (guard.h, change_guard.c)
 *     attempt guardlink sshdial_guard_work ppp0         (TABLE IFNAME)
 *
 * A line "route IFINDEX IFNAME CIDR" without a scope is one written by sshdial before
 * scopes: an attempt's route of protocol static.  IFINDEX tells the interface that carried a
 * change apart from a later one of the same name.  Blank lines are ignored.  A last line
 * without its newline is a write cut short by a crash: the change it describes was never
 * applied, so it is dropped.
 *
 * The journal lives in /run (tmpfs): the changes it describes do not survive a reboot
 * either (but a resolver file under /etc does: see change_resolv.c), so it is never
 * fsync'ed. */
#ifndef SSHDIAL_JOURNAL_H
#define SSHDIAL_JOURNAL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netconf/change.h"
#include "netconf/guard.h"
#include "lib/cidr.h"

struct journal_entry {
	enum journal_kind kind;
	enum journal_scope scope;
	/* Route and address: the interface, and the network (route) or address (addr). */
	unsigned ifindex;
	char ifname[IF_NAMESIZE];
	struct cidr dst;
	union {
		struct {
			uint8_t
			    protocol;    /* SSHDIAL_RTPROT; RTPROT_STATIC on a line before scopes */
			uint32_t table;  /* 0: main */
			uint32_t metric; /* 0: none given */
		} route;                 /* also the unreachable kind's (no interface) */
		struct change_rule rule;
		struct change_sysctl sysctl;
		struct change_resolv resolv;
		struct guard_spec guard; /* the guard kinds (guardlink: the table only) */
	} u;
};

/* Writes e as one line ending in '\n'.  Returns its length, or -1 if e is not valid
 * (unknown kind or scope, a field the kind refuses) or buf is too small. */
int journal_format(const struct journal_entry *e, char *buf, size_t len);

/* Parses one line without its '\n'.  False on anything journal_format would not write. */
bool journal_parse(const char *line, struct journal_entry *out);

/* journal_parse, saying why not: true when the line was read into *out; false with why's
 * what set ("unknown kind \"foo\"", "sysctl: bad escape in the old value", no where: the
 * caller names the file and line) and *out untouched. */
struct err;
bool journal_parse_why(const char *line, struct journal_entry *out, struct err *why);

/* True when a and b describe the same change (the fields their kind uses). */
bool journal_entry_equal(const struct journal_entry *a, const struct journal_entry *b);

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

/* Replaces the file's lines with entries[0..n) (what is still applied after an attempt was
 * undone), atomically: a new file, locked before it is renamed over the old, so that a crash
 * leaves either list whole and the lock never lapses.  0, or -1 with errno set (the file is
 * then as it was). */
int journal_rewrite(struct journal *j, const struct journal_entry *entries, size_t n);

/* Empties the file: everything it listed has been undone.  0, or -1 with errno set. */
int journal_clear(struct journal *j);

/* Puts the file and its directory entry on the disk (fsync of both): for a journal that a
 * power loss must not lose, one in /var/lib.  0, or -1 with errno set. */
int journal_sync(struct journal *j);

const char *journal_path(const struct journal *j);

/* Closes the file, releasing the lock; with remove, deletes it first (a failure to is
 * logged).  NULL is allowed. */
void journal_close(struct journal *j, bool remove);

#endif
