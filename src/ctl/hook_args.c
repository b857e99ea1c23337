#include "ctl/hook_args.h"

#include <string.h>

#include "lib/log.h"

bool hook_args_parse(int argc, char **argv, const char *subcommand, struct hook_args *a)
{
	/* Typed out: the kind follows the subcommand's name. */
	if (argc > 0 && strcmp(argv[0], subcommand) == 0) {
		argc--;
		argv++;
	}
	if (argc != 7 || !hook_kind_parse(argv[0], &a->kind)) {
		log_error("usage: sshdial %s ip-up|ip-down IFACE TTY SPEED LOCAL REMOTE IPPARAM "
		          "(pppd runs this; see sshdial(8))",
		          subcommand);
		return false;
	}
	a->ifname = argv[1];
	a->tty = argv[2];
	a->speed = argv[3];
	a->local = argv[4];
	a->remote = argv[5];
	a->ipparam = argv[6];
	return true;
}
