#include "netconf/adopt.h"

#include <stdlib.h>

bool adopt_keeps(const struct journal_entry *stale)
{
	return stale->scope == JOURNAL_SESSION;
}

long adopt_find(const struct journal_entry *old, const bool *claimed, size_t n,
                const struct journal_entry *want)
{
	for (size_t i = 0; i < n; i++) {
		if (claimed[i])
			continue;
		struct journal_entry w = *want;
		w.scope = old[i].scope;
		if (journal_entry_equal(&old[i], &w))
			return (long)i;
	}
	return -1;
}

size_t adopt_plan(const struct journal_entry *old, size_t nold, const struct journal_entry *want,
                  size_t nwant, struct adopt_step *out)
{
	bool *claimed = calloc(nold ? nold : 1, sizeof(*claimed));
	size_t k = 0;

	if (!claimed)
		return 0;
	for (size_t j = 0; j < nwant; j++) {
		long i = adopt_find(old, claimed, nold, &want[j]);
		if (i >= 0) {
			claimed[i] = true;
			out[k++] =
			    (struct adopt_step){.op = ADOPT_KEEP, .index = j, .of = (size_t)i};
		} else {
			out[k++] = (struct adopt_step){.op = ADOPT_ADD, .index = j};
		}
	}
	for (size_t i = nold; i-- > 0;)
		if (!claimed[i])
			out[k++] = (struct adopt_step){.op = ADOPT_REMOVE, .index = i};
	free(claimed);
	return k;
}
