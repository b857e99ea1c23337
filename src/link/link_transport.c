/* transport auto on a link: which transport each attempt dials (link/transport.h), the
 * one log line when this machine cannot dial frames, and a server that answered without
 * them, remembered for the link's lifetime so that it is dialed over the pty from then on
 * (a reload or a restart makes a new link, which tries frames again).  What this machine
 * can do is looked at again before every attempt (pppd's plugin; the kernel's L2TP channel
 * when the dial makes it), so that installing the plugin or loading l2tp_ppp is taken up
 * at the next redial. */
#include <stdlib.h>

#include "lib/err.h"
#include "lib/log.h"
#include "link/dial.h"
#include "link/dial_driver.h"
#include "link/link_priv.h"
#include "link/pppd_argv.h"
#include "link/pppd_plugin.h"

/* Once, until an attempt dials frames again: auto dials the pty because this machine cannot
 * dial frames. */
static void note_pty(struct link *l, const struct err *e)
{
	if (l->transport.noted)
		return;
	l->transport.noted = true;
	char why[ERR_LINE_MAX];
	struct err bare = *e;
	bare.where[0] = 0; /* the peer's name comes first */
	err_format(&bare, why, sizeof(why));
	log_info("%s: dialing over a pseudo-terminal: this machine cannot dial the frame "
	         "transport (%s)",
	         peer_name(l->peer), why);
}

static bool server_refused(const struct link *l)
{
	return l->transport.refused && l->transport.refused[link_server_index(l)];
}

enum dial_transport link_transport_choose(struct link *l)
{
	struct transport_facts f = {.transport = peer_transport(l->peer),
	                            .refused = server_refused(l)};
	struct err plugin_why, why;
	err_clear(&plugin_why);
	if (f.transport == TRANSPORT_AUTO && !f.refused) {
		/* pppd's directory is cached while its binary stays the same: cheap. */
		char path[256];
		f.plugin =
		    pppd_plugin_find(PPPD_FRAMES_PLUGIN, path, sizeof(path), &plugin_why) == 0;
	}
	f.plugin_why = &plugin_why;
	enum dial_transport t = transport_choose(&f, &why);
	if (err_is_set(&why))
		note_pty(l, &why);
	l->transport.asked = t;
	return t;
}

void link_transport_dialed(struct link *l)
{
	l->transport.frames = link_dial_driver()->frames(l->dial);
	if (l->transport.frames)
		l->transport.noted = false; /* should this machine lose frames again: a new line */
	const struct err *why = link_dial_driver()->fell_back(l->dial);
	if (why)
		note_pty(l, why);
}

bool link_transport_refused(struct link *l)
{
	if (l->transport.asked != DIAL_FRAMES_OR_PTY || !l->servers.n)
		return false;
	if (!l->transport.refused) {
		l->transport.refused = calloc(l->servers.n, sizeof(*l->transport.refused));
		if (!l->transport.refused)
			return false; /* then as transport frames: the failure stands */
	}
	l->transport.refused[link_server_index(l)] = true;
	log_warn("%s: %s answered without the frame transport (plain PPP); dialing again over a "
	         "pseudo-terminal",
	         peer_name(l->peer), link_server(l));
	failure_set(&l->failure, FAILURE_TRANSIENT,
	            "%s answered without the frame transport (plain PPP)", link_server(l));
	l->transport.redial_pty = true;
	return true;
}

void link_transport_free(struct link *l)
{
	free(l->transport.refused);
}
