/* Drives netconf for tests/netconf/run: opens it (undoing a stale journal), applies the
 * changes named on the command line, optionally stops half-way so the test can SIGKILL it,
 * and closes.  One line on stdout per step, for the script to wait on and check. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cidr.h"
#include "netconf/journal.h"
#include "lib/err.h"
#include "lib/log.h"
#include "netconf/netconf.h"
#include "netconf/route_all.h"
#include "frames/ppp_queue.h"
#include "net/nlmon.h"
#include "lib/event.h"

static void usage(void)
{
	fprintf(stderr,
	        "usage: netconf-driver [-v] [--hold-after K] [--hold-at-end] [--undo-attempt] "
	        "[--undo-all] JOURNAL IFNAME [CHANGE...]\n"
	        "  --hold-after K  after K changes print \"holding\" and wait for SIGUSR1\n"
	        "                  (or be killed), then apply the rest\n"
	        "  --hold-at-end   the same after the last change (and the undo), before closing\n"
	        "  --undo-attempt  call netconf_undo_attempt after the changes\n"
	        "  --undo-all      call netconf_undo_all before netconf_close\n"
	        "CHANGE, in the attempt's scope, or the session's with a leading \"s:\":\n"
	        "  CIDR                     a route through IFNAME\n"
	        "  addr:ADDRESS/PREFIX      an address on IFNAME\n"
	        "  rule:FIELDS              a rule, its journal fields with ':' for ' '\n"
	        "  policy:UID[:lan]         route-all's rules and unreachables (allow-lan)\n"
	        "  policy-up                route-all's default route through IFNAME\n"
	        "  queue                    IFNAME's queue as at ip-up (fq_codel, 100 packets)\n"
	        "                           (rule:4:1000:lookup:200:fwmark:0x1/0xff)\n"
	        "  sysctl:KEY=VALUE         a /proc/sys value\n"
	        "  resolv:PATH=FILE         PATH replaced by FILE's content\n"
	        "exit: 0 all applied, 1 some change failed, 2 usage, 3 netconf_open failed\n");
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

/* A rule given as its journal fields: read by the journal's own parser. */
static int add_rule(struct netconf *nc, enum journal_scope scope, const char *spec)
{
	char line[512];
	struct journal_entry e;

	snprintf(line, sizeof(line), "attempt rule %s", spec);
	for (char *p = line; *p; p++)
		if (*p == ':')
			*p = ' ';
	struct err why;
	if (!journal_parse_why(line, &e, &why)) {
		fprintf(stderr, "netconf-driver: bad rule \"%s\": %s\n", spec, why.what);
		exit(2);
	}
	return netconf_rule_add(nc, scope, &e.u.rule);
}

static int add_resolv(struct netconf *nc, enum journal_scope scope, const char *spec)
{
	char path[256], data[4096];
	const char *eq = strchr(spec, '=');

	if (!eq || (size_t)(eq - spec) >= sizeof(path))
		usage();
	snprintf(path, sizeof(path), "%.*s", (int)(eq - spec), spec);
	FILE *fp = fopen(eq + 1, "r");
	if (!fp) {
		fprintf(stderr, "netconf-driver: %s: %s\n", eq + 1, strerror(errno));
		exit(2);
	}
	size_t len = fread(data, 1, sizeof(data), fp);
	fclose(fp);
	return netconf_resolv_replace(nc, scope, path, data, len);
}

static int add_one(struct netconf *nc, const char *ifname, const char *arg)
{
	enum journal_scope scope = JOURNAL_ATTEMPT;
	struct cidr c;
	char buf[256];

	if (strncmp(arg, "s:", 2) == 0) {
		scope = JOURNAL_SESSION;
		arg += 2;
	}
	if (strncmp(arg, "rule:", 5) == 0)
		return add_rule(nc, scope, arg + 5);
	if (strncmp(arg, "policy:", 7) == 0) {
		struct policy_spec spec = {.label = "testpeer",
		                           .uid = (uint32_t)strtoul(arg + 7, NULL, 10),
		                           .allow_lan = strstr(arg, ":lan") != NULL};
		return policy_block(nc, scope, &spec);
	}
	if (strcmp(arg, "queue") == 0) /* not journaled: the queue goes with the device */
		return ppp_queue_setup("testpeer", ifname);
	if (strcmp(arg, "policy-up") == 0)
		return policy_link_up(nc, ifname, false);
	if (strncmp(arg, "resolv:", 7) == 0)
		return add_resolv(nc, scope, arg + 7);
	if (strncmp(arg, "sysctl:", 7) == 0) {
		const char *eq = strchr(arg, '=');
		if (!eq)
			usage();
		snprintf(buf, sizeof(buf), "%.*s", (int)(eq - arg - 7), arg + 7);
		return netconf_sysctl_set(nc, scope, buf, eq + 1);
	}
	if (strncmp(arg, "addr:", 5) == 0) {
		/* Host bits: parse the address alone, then its prefix length. */
		const char *slash = strchr(arg, '/');
		snprintf(buf, sizeof(buf), "%.*s", slash ? (int)(slash - arg - 5) : 0, arg + 5);
		if (!slash || !cidr_parse(buf, &c))
			usage();
		c.prefixlen = (unsigned)atoi(slash + 1);
		return netconf_addr_add(nc, scope, ifname, &c);
	}
	if (!cidr_parse(arg, &c)) {
		fprintf(stderr, "netconf-driver: bad CIDR \"%s\"\n", arg);
		exit(2);
	}
	return scope == JOURNAL_ATTEMPT ? netconf_route_add(nc, ifname, &c)
	                                : netconf_route_add_scoped(nc, scope, ifname, &c);
}

/* --heal-for SECS: what the link does with route-all (link.c): the netlink monitor, and
 * netconf_reassert once a burst of events is over, each time printing "looked" after it.
 * SECS bounds it; SIGTERM ends it sooner (the test script does once it has seen what it
 * waits for). */
struct heal {
	struct event_loop *loop;
	struct netconf *nc;
	bool pending;
};

static void on_heal_timer(void *arg)
{
	struct heal *h = arg;
	h->pending = false;
	int n = netconf_reassert(h->nc);
	if (n != 0)
		printf("put back %d\n", n);
	printf("looked\n");
}

static void on_heal_change(void *arg, unsigned what)
{
	struct heal *h = arg;
	(void)what;
	if (!h->pending)
		event_timer_set(h->loop, 100, on_heal_timer, h);
	h->pending = true;
}

static void on_heal_end(void *arg)
{
	struct heal *h = arg;
	event_loop_exit(h->loop, 0);
}

static void on_heal_term(void *arg, int signo)
{
	(void)signo;
	on_heal_end(arg);
}

static void heal_for(struct netconf *nc, long secs)
{
	struct heal h = {.loop = event_loop_new(), .nc = nc};
	struct nlmon_sub *sub = h.loop ? nlmon_subscribe(h.loop, "testpeer", on_heal_change, &h) : NULL;
	if (!sub) {
		printf("heal: cannot watch\n");
		return;
	}
	event_timer_set(h.loop, (unsigned)secs * 1000, on_heal_end, &h);
	if (event_signal_add(h.loop, SIGTERM, on_heal_term, &h) < 0) {
		printf("heal: cannot take SIGTERM\n");
		return;
	}
	printf("healing\n");
	event_loop_run(h.loop);
	nlmon_unsubscribe(sub);
	event_loop_free(h.loop);
}

int main(int argc, char **argv)
{
	long hold_after = -1, heal_secs = 0;
	int undo_all = 0, undo_attempt = 0, hold_at_end = 0, i = 1;
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
		else if (strcmp(argv[i], "--undo-attempt") == 0)
			undo_attempt = 1;
		else if (strcmp(argv[i], "--heal-for") == 0 && i + 1 < argc)
			heal_secs = strtol(argv[++i], NULL, 10);
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
		if (k == hold_after)
			hold();
		int rc = add_one(nc, ifname, argv[i]);
		printf("%s %s\n", rc == 0 ? "added" : "failed", argv[i]);
		const struct err *e = netconf_last_error(nc);
		if (rc != 0 && e) { /* the failure as the value netconf keeps for its caller */
			char line[ERR_LINE_MAX];
			printf("error code=%d: %s\n", e->code, err_format(e, line, sizeof(line)));
		}
		failed += rc != 0;
	}
	printf("applied=%u\n", netconf_applied(nc));
	if (undo_attempt) {
		int left = netconf_undo_attempt(nc);
		printf("undo-attempt failed=%d applied=%u session=%u\n", left, netconf_applied(nc),
		       netconf_applied_in(nc, JOURNAL_SESSION));
	}
	if (heal_secs > 0)
		heal_for(nc, heal_secs);
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
