/* The subcommands' front ends, one file each (cmd_NAME.c), dispatched by main.c; the
 * server's (serve, serve-hook) are server/serve.h's and server/serve_hook.h's. */
#ifndef SSHDIAL_COMMANDS_H
#define SSHDIAL_COMMANDS_H

#include "lib/exit_status.h"
#include "link/failure.h"

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
int cmd_authorize(int argc, char **argv);

#endif
