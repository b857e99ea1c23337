#include "link/transport.h"

#include "lib/err.h"

enum dial_transport transport_choose(const struct transport_facts *f, struct err *why)
{
	err_clear(why);
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
		if (f->plugin_why)
			*why = *f->plugin_why;
		else
			err_set(why, NULL, NULL, "pppd has no L2TP plugin");
		return DIAL_PTY;
	}
	return DIAL_FRAMES_OR_PTY;
}

const char *dial_transport_name(bool frames)
{
	return frames ? "frames" : "pty";
}
