/* The arguments pppd gives its ip-up and ip-down scripts, named: the client's hook and the
 * server's read them alike. */
#ifndef SSHDIAL_HOOK_ARGS_H
#define SSHDIAL_HOOK_ARGS_H

#include <stdbool.h>

#include "ctl/hook_event.h"

struct hook_args {
	enum hook_kind kind; /* from the name the script runs under: ip-up or ip-down */
	const char *ifname;
	const char *tty;
	const char *speed;
	const char *local;  /* our address on the link */
	const char *remote; /* the other end's */
	const char *ipparam;
};

/* argv as pppd runs the script: its kind (the link's name, ip-up or ip-down), then iface
 * tty speed local remote ipparam; or typed out as "sshdial SUBCOMMAND ip-up ...", when
 * argv[0] is subcommand.  The values point into argv.  false after logging
 * "usage: sshdial SUBCOMMAND ip-up|ip-down IFACE ..." when they are not that. */
bool hook_args_parse(int argc, char **argv, const char *subcommand, struct hook_args *a);

#endif
