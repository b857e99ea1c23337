/* The subcommands' front ends, one file each (cmd_NAME.c), dispatched by main.c. */
#ifndef SSHDIAL_COMMANDS_H
#define SSHDIAL_COMMANDS_H

#include "link/failure.h"

/* Exit statuses of call and check (see sshdial(8)). */
enum exit_status {
	EXIT_OK = 0,
	EXIT_CONFIG = 1,    /* bad configuration or usage */
	EXIT_PERMANENT = 2, /* the link failed for good: authentication, host key */
	EXIT_SYSTEM = 3,    /* the system lacks something: pppd, kernel PPP, root */
	EXIT_NOT_UP = 4,    /* status PEER: the daemon knows the peer, and it is not up */
};

/* The exit status for the class of failure that ended a link (FAILURE_NONE: EXIT_OK). */
int exit_status_of(enum failure_class cls);

/* argv[0] is the subcommand's name; options follow. */
int cmd_call(int argc, char **argv);
int cmd_check(int argc, char **argv);
/* init PEER: a peer file, its key and known_hosts in one command (cmd_init.c). */
int cmd_init(int argc, char **argv);
/* The daemon, and its clients: up, down, restart, status, reload (argv[0] says which). */
int cmd_daemon(int argc, char **argv);
int cmd_ctl(int argc, char **argv);
int cmd_unlock(int argc, char **argv);
/* pppd's ip-up/ip-down script (sshdial runs as it under the names rundir.h gives the links). */
int cmd_hook(int argc, char **argv);
/* The server side: the forced command, its line, and its root hook (serve_install.h). */
int cmd_serve(int argc, char **argv);
/* serve --forward-only (cmd_serve_forward.c): a forward-only key's forced command. */
int cmd_serve_forward_only(int argc, char **argv);
/* serve with the frame transport (cmd_serve_frames.c): forks the relay between the ssh
 * channel and link's tunnel; returns 0 in the parent, which goes on to become pppd, or
 * -1 after logging why.  The child never returns. */
struct l2tp_link;
struct lease;
int serve_frames_fork(const char *key, struct l2tp_link *link, struct lease *lease);
int cmd_authorize(int argc, char **argv);
int cmd_serve_hook(int argc, char **argv);

#endif
