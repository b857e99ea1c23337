/* The link's states: their names (status, the log), and the change of state that the
 * link's owner hears of (link_ops.state_changed). */
#include "link/link.h"
#include "link/link_priv.h"

#include "lib/log.h"

static const char *const state_names[] = {
    [LINK_IDLE] = "idle",       [LINK_DIALING] = "dialing", [LINK_UP] = "up",
    [LINK_CLOSING] = "closing", [LINK_BACKOFF] = "backoff", [LINK_FAILED] = "failed",
    [LINK_STOPPED] = "stopped", [LINK_QUEUED] = "queued",
};
_Static_assert(sizeof(state_names) / sizeof(state_names[0]) == LINK_STATE_COUNT,
               "a name for each link state");

const char *link_state_name(enum link_state s)
{
	return (unsigned)s < LINK_STATE_COUNT && state_names[s] ? state_names[s] : "unknown";
}

enum link_state link_state(const struct link *l)
{
	return l->state;
}

void link_set_state(struct link *l, enum link_state s)
{
	if (l->state != s)
		log_debug("%s: %s -> %s", peer_name(l->peer), link_state_name(l->state),
		          link_state_name(s));
	bool changed = l->state != s;
	l->state = s;
	if (changed && l->ops->state_changed)
		l->ops->state_changed(l->arg, s);
}
