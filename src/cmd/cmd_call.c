/* sshdial call PEER: dial in the foreground, like `pppd call PEER`, until SIGINT/SIGTERM. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "conf/config.h"
#include "daemon/entry.h"
#include "lib/event.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/sd_notify.h"
#include "link/pppd_argv.h"
#include "ctl/rundir.h"

/* The daemon's entry for one peer, in the foreground: the same lock, hook socket, journal
 * (a dead run's undone on opening) and link as `sshdial daemon` runs per peer, without
 * the daemon's control socket or lock. */
struct call {
	struct event_loop *loop;
	struct entry *entry;
};

static void call_usage(void)
{
	fprintf(stderr, "usage: sshdial call [--peers-dir DIR] [--verbose] PEER\n");
}

/* The link has ended and everything it changed is undone (or it never started). */
static void on_idle(void *arg, struct entry *e)
{
	struct call *c = arg;
	const struct link_failure *f = entry_failure(e);
	event_loop_exit(c->loop, exit_status_of(f ? f->cls : FAILURE_NONE));
}

static void on_stop_signal(void *arg, int signo)
{
	struct call *c = arg;
	log_info("%s received: stopping", sigabbrev_np(signo));
	sd_notify_send("STOPPING=1");
	entry_down(c->entry, NULL, NULL);
}

static void on_status_signal(void *arg, int signo)
{
	(void)signo;
	const struct call *c = arg;
	entry_log_status(c->entry);
}

/* The kernel's PPP driver: /dev/ppp, loading the module if the kernel has modules. */
static bool kernel_has_ppp(void)
{
	if (access("/dev/ppp", R_OK | W_OK) == 0)
		return true;
	pid_t pid = fork();
	if (pid == 0) {
		execl("/sbin/modprobe", "modprobe", "-q", "-a", "ppp_generic", "ppp_async",
		      (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return access("/dev/ppp", R_OK | W_OK) == 0;
}

static int check_system(const struct peer *p)
{
	if (geteuid() != 0) {
		log_error("sshdial call must run as root: pppd and the routes need it (try sudo)");
		return EXIT_SYSTEM;
	}
	if (!peer_link(p)) /* forwards only: no pppd, no kernel PPP */
		return EXIT_OK;
	if (access(PPPD_PATH, X_OK) != 0) {
		struct err e;
		err_log(err_errno(&e, errno, NULL, "install the ppp package",
		                  "pppd not found at %s", PPPD_PATH));
		return EXIT_SYSTEM;
	}
	if (!kernel_has_ppp()) {
		log_error("the kernel has no PPP support: /dev/ppp is missing and 'modprobe "
		          "ppp_generic' failed");
		return EXIT_SYSTEM;
	}
	return EXIT_OK;
}

/* Takes p.  The lock's refusal ("already being dialed by sshdial pid N") and the failure
 * the exit status comes from (its class) are the entry's, as in the daemon. */
static int call_run(struct peer *p)
{
	struct call c = {0};
	int status = EXIT_SYSTEM;

	signal(SIGPIPE, SIG_IGN);
	c.loop = event_loop_new();
	if (!c.loop || rundir_prepare() < 0) {
		peer_free(p);
		goto out;
	}
	c.entry = entry_new(c.loop, NULL, p, false, on_idle, &c);
	if (event_signal_add(c.loop, SIGINT, on_stop_signal, &c) < 0 ||
	    event_signal_add(c.loop, SIGTERM, on_stop_signal, &c) < 0 ||
	    event_signal_add(c.loop, SIGUSR1, on_status_signal, &c) < 0)
		goto out;
	entry_up(c.entry, NULL, NULL); /* on_idle ends the loop, at once when it cannot start */
	/* Under sshdial@.service (Type=notify): started once the peer is loaded, locked and
	 * dialing; a bad peer has failed the start before this. */
	sd_notify_send("READY=1");
	status = event_loop_run(c.loop);
	if (status < 0)
		status = EXIT_SYSTEM;
out:
	entry_free(c.entry);
	event_loop_free(c.loop);
	return status;
}

int cmd_call(int argc, char **argv)
{
	static const struct option opts[] = {{"peers-dir", required_argument, NULL, 'p'},
	                                     {"verbose", no_argument, NULL, 'v'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *peers_dir = getenv("SSHDIAL_PEERS");
	int opt;

	while ((opt = getopt_long(argc, argv, "p:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			peers_dir = optarg;
			break;
		case 'v':
			log_set_level(LOG_LEVEL_DEBUG);
			break;
		case 'h':
			call_usage();
			return EXIT_OK;
		default:
			call_usage();
			return EXIT_CONFIG;
		}
	}
	if (optind != argc - 1) {
		call_usage();
		return EXIT_CONFIG;
	}
	struct diag *d = diag_new();
	struct peer *p = peer_load(argv[optind], peers_dir, NULL, NULL, d);
	diag_print(d, stderr);
	diag_free(d);
	if (!p)
		return EXIT_CONFIG;
	int status = check_system(p);
	if (status != EXIT_OK) {
		peer_free(p);
		return status;
	}
	return call_run(p);
}
