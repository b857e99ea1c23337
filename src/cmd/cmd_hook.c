/* pppd's ip-up and ip-down script.  pppd runs it as root with an empty environment (plus
 * IFNAME, IPLOCAL, DNS1, ...) and the arguments: iface tty speed local remote ipparam.
 * It reports to the sshdial that started this pppd and exits with that sshdial's verdict. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "ctl/control.h"
#include "ctl/hook_event.h"
#include "lib/log.h"
#include "ctl/rundir.h"

/* Applying routes is quick; this only bounds a wedged sshdial. */
#define HOOK_TIMEOUT_MS 15000

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

int cmd_hook(int argc, char **argv)
{
	struct hook_event ev = {0};
	char sock[108], err[400];

	/* Typed out as "sshdial hook ip-up ...": the kind follows the subcommand's name. */
	if (argc > 0 && strcmp(argv[0], "hook") == 0) {
		argc--;
		argv++;
	}
	/* pppd gives its scripts no terminal: say it where an administrator will look. */
	if (!isatty(2))
		log_open("sshdial-hook", true);
	if (argc != 7 || !hook_kind_parse(argv[0], &ev.kind)) {
		log_error("usage: sshdial hook ip-up|ip-down IFACE TTY SPEED LOCAL REMOTE IPPARAM "
		          "(pppd runs this; see sshdial(8))");
		return EXIT_CONFIG;
	}
	copy(ev.ifname, sizeof(ev.ifname), argv[1]);
	copy(ev.local, sizeof(ev.local), argv[4]);
	copy(ev.remote, sizeof(ev.remote), argv[5]);
	copy(ev.peer, sizeof(ev.peer), argv[6]);
	copy(ev.dns1, sizeof(ev.dns1), getenv("DNS1"));
	copy(ev.dns2, sizeof(ev.dns2), getenv("DNS2"));
	if (strchr(ev.peer, '/') || !ev.peer[0]) {
		log_error("%s: ipparam '%s' is not an sshdial peer name", argv[0], argv[6]);
		return EXIT_CONFIG;
	}
	rundir_path(sock, sizeof(sock), ev.peer, "sock");
	if (control_send_hook(sock, &ev, HOOK_TIMEOUT_MS, err, sizeof(err)) < 0) {
		log_error("%s %s for %s: %s", argv[0], ev.ifname, ev.peer, err);
		return EXIT_PERMANENT;
	}
	return EXIT_OK;
}
