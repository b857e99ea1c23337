/* The daemon's control socket, /run/sshdial/control: root may do anything; members of the
 * status group may ask for status only; anyone else is dropped unanswered.  A malformed
 * or oversized request gets an error reply and the connection is closed; no request can
 * end the daemon. */
#ifndef SSHDIAL_CTL_SERVER_H
#define SSHDIAL_CTL_SERVER_H

#include <sys/types.h>

#include "daemon/manager.h"
#include "lib/event.h"

struct ctl_server;

/* status_gid: the group whose members may read status; (gid_t)-1 for none. */
struct ctl_server *ctl_server_open(struct event_loop *loop, struct manager *m, const char *path,
                                   gid_t status_gid);
void ctl_server_close(struct ctl_server *s);

#endif
