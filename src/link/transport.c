#include "link/transport.h"

#include <stdio.h>

enum dial_transport transport_choose(const struct transport_facts *f, char *why, size_t len)
{
	if (len)
		why[0] = 0;
	switch (f->transport) {
	case TRANSPORT_PTY:
		return DIAL_PTY;
	case TRANSPORT_FRAMES:
		return DIAL_FRAMES;
	case TRANSPORT_AUTO:
		break;
	}
	if (f->refused)
		return DIAL_PTY;
	if (!f->plugin) {
		snprintf(why, len, "%s", f->plugin_why ? f->plugin_why : "pppd has no L2TP plugin");
		return DIAL_PTY;
	}
	return DIAL_FRAMES_OR_PTY;
}

const char *dial_transport_name(bool frames)
{
	return frames ? "frames" : "pty";
}
