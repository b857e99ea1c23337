/* The link's dial driver: the calls through which the link's state machine starts and
 * watches an attempt's ssh and pppd (link/dial.h).  The real one is dial.h's; a unit test
 * puts its own in front, and then plays ssh's and pppd's part through the struct dial_ops
 * the link gave it (lines, exits, failures) and through link_hook_event (ip-up, ip-down). */
#ifndef SSHDIAL_DIAL_DRIVER_H
#define SSHDIAL_DIAL_DRIVER_H

#include "link/dial.h"

struct dial_driver {
	struct dial *(*start)(struct event_loop *loop, const struct peer *p,
	                      const struct dial_hooks *hooks, const struct dial_ops *ops, void *arg,
	                      enum failure_class *status, struct err *e);
	pid_t (*pid)(const struct dial *d, enum dial_proc which);
	bool (*running)(const struct dial *d, enum dial_proc which);
	void (*signal)(struct dial *d, enum dial_proc which, int signo);
	bool (*signalled)(const struct dial *d, enum dial_proc which);
	bool (*frames)(const struct dial *d);
	const struct err *(*fell_back)(const struct dial *d);
	void (*free)(struct dial *d);
};

/* The driver of every link of the process from now on; NULL: the real one (dial.h). */
void link_set_dial_driver(const struct dial_driver *drv);
const struct dial_driver *link_dial_driver(void);

#endif
