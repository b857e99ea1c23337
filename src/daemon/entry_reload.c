/* A reload of one peer under the daemon: the peer file's bytes as loaded, compared with
 * what the file holds now; a changed file redials the running link with it (its kill
 * switch handed over when the next run has one too) or replaces the idle entry's peer.
 * Part of the entry (entry_priv.h). */
#include "daemon/entry.h"
#include "daemon/entry_priv.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ctl/lockdown.h"
#include "lib/log.h"

void entry_read_file(const char *path, struct textbuf *out)
{
	textbuf_free(out);
	if (!path)
		return;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0)
		return;
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0 && out->len < (1 << 20))
		textbuf_printf(out, "%.*s", (int)n, buf);
	close(fd);
	textbuf_printf(out, "%s", ""); /* an empty file still differs from none */
}

/* The running link's kill switch stays in force for the next run (of peer file next) to
 * take over, when that one has one too. */
void entry_keep_for_next(struct entry *e, const struct peer *next)
{
	if (!peer_route_all(next) || !peer_kill_switch(next))
		return;
	link_hand_over(e->link);
	if (link_keeps_block(e->link))
		log_info(
		    "%s: dialing again: its kill switch stays in force for the next run to take "
		    "over",
		    peer_name(e->peer));
}

bool entry_replace(struct entry *e, struct peer *p)
{
	struct textbuf now = {0};
	entry_read_file(peer_file(p), &now);
	bool same =
	    now.len == e->file.len && (!now.len || memcmp(now.data, e->file.data, now.len) == 0);
	if (same) {
		textbuf_free(&now);
		return false;
	}
	textbuf_free(&e->file);
	e->file = now;
	if (e->link) {
		peer_free(e->next_peer);
		e->next_peer = p; /* the link borrows e->peer until it has ended */
		e->redial = true;
		entry_keep_for_next(e, p);
		entry_stop(e);
	} else {
		bool was_lockdown = peer_lockdown(e->peer);
		peer_free(e->peer);
		e->peer = p;
		if (was_lockdown && !peer_lockdown(p))
			lockdown_clear(peer_name(p));
		if (e->held && (was_lockdown ? !peer_lockdown(p)
		                             : !peer_route_all(p) || !peer_kill_switch(p))) {
			log_info(
			    "%s: its file changed and asks for no %s now: the kill switch held "
			    "is lifted",
			    peer_name(p), was_lockdown ? "lockdown" : "kill switch");
			entry_release(e);
		}
	}
	return true;
}
