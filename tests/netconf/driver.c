/* Drives netconf for tests/netconf/run: opens it (undoing a stale journal), adds the routes
 * named on the command line, optionally stops half-way so the test can SIGKILL it, and
 * closes.  One line on stdout per step, for the script to wait on and check. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cidr.h"
#include "lib/log.h"
#include "net/netconf.h"

static void usage(void)
{
	fprintf(stderr, "usage: netconf-driver [-v] [--hold-after K] [--hold-at-end] [--undo-all] "
	                "JOURNAL IFNAME [CIDR...]\n"
	                "  --hold-after K  after K routes print \"holding\" and wait for SIGUSR1\n"
	                "                  (or be killed), then add the rest\n"
	                "  --hold-at-end   the same after the last route, before closing\n"
	                "  --undo-all      call netconf_undo_all before netconf_close\n"
	                "exit: 0 all added, 1 some route failed, 2 usage, 3 netconf_open failed\n");
	exit(2);
}

/* Waits for SIGUSR1, blocked since start so that one sent early is not lost. */
static void hold(void)
{
	sigset_t set;
	int sig;

	printf("holding\n");
	fflush(stdout);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigwait(&set, &sig);
	printf("released\n");
}

int main(int argc, char **argv)
{
	long hold_after = -1;
	int undo_all = 0, hold_at_end = 0, i = 1;
	sigset_t set;

	setvbuf(stdout, NULL, _IOLBF, 0); /* the test script waits on each line */
	log_open("netconf-driver", false);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-v") == 0)
			log_set_level(LOG_LEVEL_DEBUG);
		else if (strcmp(argv[i], "--hold-at-end") == 0)
			hold_at_end = 1;
		else if (strcmp(argv[i], "--undo-all") == 0)
			undo_all = 1;
		else if (strcmp(argv[i], "--hold-after") == 0 && i + 1 < argc)
			hold_after = strtol(argv[++i], NULL, 10);
		else
			usage();
	}
	if (argc - i < 2)
		usage();
	const char *journal = argv[i++], *ifname = argv[i++];
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);

	struct netconf *nc = netconf_open("testpeer", journal);
	if (!nc)
		return 3;
	printf("open applied=%u\n", netconf_applied(nc));
	int failed = 0;
	for (long k = 0; i < argc; i++, k++) {
		struct cidr dst;
		if (k == hold_after)
			hold();
		if (!cidr_parse(argv[i], &dst)) {
			fprintf(stderr, "netconf-driver: bad CIDR \"%s\"\n", argv[i]);
			return 2;
		}
		int rc = netconf_route_add(nc, ifname, &dst);
		printf("%s %s\n", rc == 0 ? "added" : "failed", argv[i]);
		failed += rc != 0;
	}
	printf("applied=%u\n", netconf_applied(nc));
	if (hold_at_end)
		hold();
	if (undo_all) {
		int left = netconf_undo_all(nc);
		printf("undo failed=%d applied=%u\n", left, netconf_applied(nc));
	}
	fflush(stdout);
	netconf_close(nc);
	printf("closed\n");
	return failed ? 1 : 0;
}
