/* sshdial: a PPP-over-SSH VPN manager.  This file only dispatches: each subcommand has
 * its own front end, cmd_NAME.c. */
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "ctl/hook_event.h"
#include "lib/log.h"
#include "ctl/rundir.h"
#include "server/serve_install.h"

#define SSHDIAL_VERSION "0.1.0"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *description;
} commands[] = {
    {"call", cmd_call, "dial a peer in the foreground, like 'pppd call PEER'"},
    {"check", cmd_check, "validate a peer file; --leaks: where traffic would go"},
    {"daemon", cmd_daemon, "manage every peer's link, commanded through /run/sshdial/control"},
    {"up", cmd_ctl, "ask the daemon to bring a peer up; waits until it is up"},
    {"down", cmd_ctl, "ask the daemon to take a peer down; waits until all is undone"},
    {"restart", cmd_ctl, "ask the daemon to take a peer down and up again"},
    {"status", cmd_ctl, "the daemon's links (--json: for scripts)"},
    {"reload", cmd_ctl, "make the daemon read the peer files again"},
    {"unlock", cmd_unlock, "lift route-all's kill switch while the link is down"},
    {"hook", cmd_hook, "report pppd's ip-up/ip-down to sshdial (run by pppd)"},
    {"serve", cmd_serve, "the server's end: run as the forced command of authorized_keys"},
    {"authorize", cmd_authorize, "print the authorized_keys line that runs 'serve' for a key"},
    {"serve-hook", cmd_serve_hook, "the server's ip-up/ip-down: routes from server.conf"},
};

static void show_usage(FILE *f)
{
	fprintf(f, "usage: sshdial COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].description);
	fprintf(f, "\nsee sshdial(8) and sshdial-peer(5)\n");
}

int main(int argc, char **argv)
{
	log_open("sshdial", false);

	/* pppd runs the hook links in /run/sshdial by name, with its own arguments. */
	const char *base = basename(argv[0]);
	for (int k = HOOK_IP_UP; k <= HOOK_IP_DOWN; k++) {
		if (strcmp(base, rundir_hook_name((enum hook_kind)k)) == 0) {
			argv[0] = (char *)hook_kind_name((enum hook_kind)k);
			return cmd_hook(argc, argv);
		}
	}
	/* And the server's: pppd started by sshdial serve runs these (serve_install.h). */
	if (strcmp(base, SERVE_HOOK_IP_UP_NAME) == 0 ||
	    strcmp(base, SERVE_HOOK_IP_DOWN_NAME) == 0) {
		argv[0] = (char *)(strcmp(base, SERVE_HOOK_IP_UP_NAME) == 0 ? "ip-up" : "ip-down");
		return cmd_serve_hook(argc, argv);
	}
	if (argc < 2) {
		show_usage(stderr);
		return EXIT_CONFIG;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		show_usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("sshdial %s\n", SSHDIAL_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	log_error("unknown command '%s'", argv[1]);
	show_usage(stderr);
	return EXIT_CONFIG;
}
