/* sshdial: a PPP-over-SSH VPN manager.  This file only dispatches: each subcommand has
 * its own front end, cmd_NAME.c. */
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "conf/keyword.h"
#include "ctl/hook_event.h"
#include "lib/log.h"
#include "ctl/rundir.h"
#include "server/serve.h"
#include "server/serve_hook.h"
#include "server/serve_install.h"

#define SSHDIAL_VERSION "0.1.0"

/* hidden: run by pppd, not by people; kept out of --help and of did-you-mean.  help: the
 * command prints its own usage for --help. */
static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *description;
	bool hidden, help;
} commands[] = {
    {"init", cmd_init, "write a peer, its key and known_hosts in one command", false, true},
    {"call", cmd_call, "dial a peer in the foreground, like 'pppd call PEER'", false, true},
    {"check", cmd_check,
     "validate a peer file; --leaks: where traffic would go; --dial: what the server answers",
     false, true},
    {"daemon", cmd_daemon, "manage every peer's link, commanded through /run/sshdial/control",
     false, true},
    {"up", cmd_ctl, "ask the daemon to bring a peer up; waits until it is up", false, true},
    {"down", cmd_ctl, "ask the daemon to take a peer down; waits until all is undone", false, true},
    {"restart", cmd_ctl, "ask the daemon to take a peer down and up again", false, true},
    {"status", cmd_ctl, "the daemon's links (--json: for scripts)", false, true},
    {"reload", cmd_ctl, "make the daemon read the peer files again", false, true},
    {"unlock", cmd_unlock, "lift route-all's kill switch while the link is down", false, false},
    {"hook", cmd_hook, "report pppd's ip-up/ip-down to sshdial (run by pppd)", true, false},
    {"serve", serve_main, "the server's end: run as the forced command of authorized_keys", false,
     false},
    {"authorize", cmd_authorize, "print the authorized_keys line that runs 'serve' for a key",
     false, true},
    {"serve-hook", serve_hook_main, "the server's ip-up/ip-down: routes from server.conf", true,
     false},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void show_usage(FILE *f)
{
	fprintf(f, "usage: sshdial COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!commands[i].hidden)
			fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].description);
	fprintf(f, "\n'sshdial help COMMAND' for its options; see sshdial(8) and "
	           "sshdial-peer(5)\n");
}

static int find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0)
			return (int)i;
	return -1;
}

/* An unknown command, with the one it is a typo of. */
static int unknown_command(const char *name)
{
	const char *names[NCOMMANDS];
	size_t n = 0;
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!commands[i].hidden)
			names[n++] = commands[i].name;
	const char *instead = kw_closest_name(names, n, name);
	if (instead)
		log_error("unknown command '%s'; did you mean '%s'?", name, instead);
	else
		log_error("unknown command '%s'; 'sshdial --help' lists them", name);
	return EXIT_CONFIG;
}

/* sshdial help [COMMAND]. */
static int help(int argc, char **argv)
{
	if (argc < 3) {
		show_usage(stdout);
		return EXIT_OK;
	}
	int i = find_command(argv[2]);
	if (i < 0)
		return unknown_command(argv[2]);
	printf("sshdial %s: %s\n", commands[i].name, commands[i].description);
	if (!commands[i].help) {
		printf("see sshdial(8), COMMANDS\n");
		return EXIT_OK;
	}
	char *args[] = {(char *)commands[i].name, (char *)"--help", NULL};
	return commands[i].fn(2, args);
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
		return serve_hook_main(argc, argv);
	}
	if (argc < 2) {
		show_usage(stderr);
		return EXIT_CONFIG;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return help(argc, argv);
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("sshdial %s\n", SSHDIAL_VERSION);
		return EXIT_OK;
	}
	int i = find_command(argv[1]);
	if (i >= 0)
		return commands[i].fn(argc - 1, argv + 1);
	return unknown_command(argv[1]);
}
