/* Taking over a dead run's kill switch: after a crash, the next run of a peer
 * keeps what the dead one's journal lists in the session's scope (route-all's kill switch:
 * its rules, unreachable routes, and whatever else a kill switch journals there) instead of
 * undoing it, and replaces it add-before-delete: every change the new run asks for that the
 * old kill switch holds already is claimed as it is (never removed and put back), the others
 * are added, and only once the new block is whole are the old changes nobody claimed
 * removed.  There is no instant without a block.
 *
 * These are the decisions alone, without a system call: netconf.c applies them, and the unit
 * tests check the order. */
#ifndef SSHDIAL_ADOPT_H
#define SSHDIAL_ADOPT_H

#include <stdbool.h>
#include <stddef.h>

#include "netconf/journal.h"

/* Whether a stale entry is taken over (kept in force) rather than undone when its journal is
 * opened again: the session's scope, which only the kill switch uses.  The attempt's changes
 * (the link's routes, DNS) went with the dead link and are undone. */
bool adopt_keeps(const struct journal_entry *stale);

/* The index of an entry of old[0..n) not yet claimed that makes the same change as want, its
 * scope aside (a kill switch asked for again in the other scope is still the same rule), or
 * -1: want must then be added. */
long adopt_find(const struct journal_entry *old, const bool *claimed, size_t n,
                const struct journal_entry *want);

enum adopt_op {
	ADOPT_KEEP,   /* want[index] is old[of] already: claimed, nothing done */
	ADOPT_ADD,    /* want[index] is new: applied */
	ADOPT_REMOVE, /* old[index] was not asked for again: undone, after every add */
};

struct adopt_step {
	enum adopt_op op;
	size_t index; /* into want (KEEP, ADD) or old (REMOVE) */
	size_t of;    /* KEEP: the old entry claimed */
};

/* The whole replacement of old[0..nold) by want[0..nwant) in the order netconf performs it:
 * want's entries in their order, each kept or added, then the old entries left unclaimed,
 * newest first.  out has room for nold + nwant steps; returns how many were written. */
size_t adopt_plan(const struct journal_entry *old, size_t nold, const struct journal_entry *want,
                  size_t nwant, struct adopt_step *out);

#endif
