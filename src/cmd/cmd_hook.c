/* pppd's ip-up and ip-down script.  pppd runs it as root with an empty environment (plus
 * IFNAME, IPLOCAL, DNS1, ...) and the arguments: iface tty speed local remote ipparam.
 * It reports to the sshdial that started this pppd and exits with that sshdial's verdict. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "ctl/control.h"
#include "ctl/hook_args.h"
#include "ctl/hook_event.h"
#include "lib/err.h"
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
	struct hook_args a;
	struct hook_event ev = {0};
	char sock[108];
	struct err e;

	/* pppd gives its scripts no terminal: say it where an administrator will look. */
	if (!isatty(2))
		log_open("sshdial-hook", true);
	if (!hook_args_parse(argc, argv, "hook", &a))
		return EXIT_CONFIG;
	const char *kind = hook_kind_name(a.kind);
	ev.kind = a.kind;
	copy(ev.ifname, sizeof(ev.ifname), a.ifname);
	copy(ev.local, sizeof(ev.local), a.local);
	copy(ev.remote, sizeof(ev.remote), a.remote);
	copy(ev.peer, sizeof(ev.peer), a.ipparam);
	copy(ev.dns1, sizeof(ev.dns1), getenv("DNS1"));
	copy(ev.dns2, sizeof(ev.dns2), getenv("DNS2"));
	copy(ev.tty, sizeof(ev.tty), a.tty);
	copy(ev.speed, sizeof(ev.speed), a.speed);
	if (strchr(ev.peer, '/') || !ev.peer[0]) {
		log_error("%s: ipparam '%s' is not an sshdial peer name", kind, a.ipparam);
		return EXIT_CONFIG;
	}
	rundir_path(sock, sizeof(sock), ev.peer, "sock");
	if (control_send_hook(sock, &ev, HOOK_TIMEOUT_MS, &e) < 0) {
		err_log(err_where(&e, "%s %s for %s", kind, ev.ifname, ev.peer));
		return EXIT_PERMANENT;
	}
	return EXIT_OK;
}
