/* Which transport one dial attempt uses.  'transport auto' (the default) dials frames when
 * both ends can and the pty otherwise; the facts come from the link (pppd's plugin, looked
 * for before each attempt; the servers that answered without frames on this link), and
 * whether the kernel makes the L2TP channel is found by making it (dial_channel.c).
 * Pure. */
#ifndef SSHDIAL_TRANSPORT_H
#define SSHDIAL_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/config.h"

struct err;

enum dial_transport {
	DIAL_PTY,
	DIAL_FRAMES,        /* transport frames: as written, no fallback */
	DIAL_FRAMES_OR_PTY, /* auto: frames, or the pty when the L2TP channel cannot be made */
};

struct transport_facts {
	enum peer_transport transport; /* peer_transport(): auto only when the dial decides */
	bool plugin;                   /* pppd's PPPD_FRAMES_PLUGIN is installed */
	const struct err *plugin_why;  /* if not, why (pppd_plugin_find); NULL: not known */
	bool refused;                  /* this server answered without frames on this link */
};

/* The attempt's transport.  When auto falls back to the pty for a reason the user should
 * hear of once (not the refusal, which the link logs when it happens), why says it;
 * otherwise why is cleared. */
enum dial_transport transport_choose(const struct transport_facts *f, struct err *why);
const char *dial_transport_name(bool frames);

#endif
