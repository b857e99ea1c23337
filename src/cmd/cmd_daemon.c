/* sshdial daemon: every peer's link in one process and one event loop, commanded through
 * /run/sshdial/control (sshdial up/down/restart/status/reload). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "ctl/ctl_request.h"
#include "ctl/rundir.h"
#include "daemon/ctl_server.h"
#include "daemon/manager.h"
#include "lib/event.h"
#include "lib/log.h"
#include "lib/sd_notify.h"
#include "link/pppd_argv.h"

/* Its lock: a name no peer can have (peer names never start with a dot). */
#define DAEMON_LOCK ".daemon"

struct daemon {
	struct event_loop *loop;
	struct manager *m;
	unsigned watchdog_ms;
	bool stopping;
};

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: sshdial daemon [--peers-dir DIR] [--status-group GROUP] [--max-dialing N] "
	        "[--verbose]\n");
}

static void on_all_down(void *arg)
{
	struct daemon *d = arg;
	log_info("every link is down; exiting");
	event_loop_exit(d->loop, EXIT_OK);
}

static void on_stop_signal(void *arg, int signo)
{
	struct daemon *d = arg;
	if (d->stopping)
		return;
	d->stopping = true;
	log_info("%s received: taking every link down", sigabbrev_np(signo));
	sd_notify_send("STOPPING=1");
	manager_stop_all(d->m, on_all_down, d);
}

static void on_reload_signal(void *arg, int signo)
{
	(void)signo;
	struct daemon *d = arg;
	sd_notify_send("RELOADING=1");
	struct textbuf out = {0};
	manager_reload(d->m, &out);
	log_info_lines("reload", out.data);
	textbuf_free(&out);
	sd_notify_send("READY=1");
}

static void on_status_signal(void *arg, int signo)
{
	(void)signo;
	struct daemon *d = arg;
	manager_log_status(d->m);
}

static void on_watchdog(void *arg)
{
	struct daemon *d = arg;
	sd_notify_send("WATCHDOG=1");
	event_timer_set(d->loop, d->watchdog_ms / 2, on_watchdog, d);
}

static int daemon_run(const char *peers_dir, const char *group, unsigned max_dialing)
{
	struct daemon d = {0};
	struct ctl_server *srv = NULL;
	int status = EXIT_SYSTEM, lock = -1;
	pid_t holder;

	signal(SIGPIPE, SIG_IGN);
	d.loop = event_loop_new();
	if (!d.loop || rundir_prepare() < 0)
		goto out;
	lock = rundir_lock(DAEMON_LOCK, &holder);
	if (lock < 0) {
		if (errno == EWOULDBLOCK)
			log_error("sshdial daemon is already running (pid %d, it holds %s/%s.pid)",
			          (int)holder, RUNDIR, DAEMON_LOCK);
		else
			log_error("cannot lock %s/%s.pid: %s", RUNDIR, DAEMON_LOCK,
			          strerror(errno));
		status = errno == EWOULDBLOCK ? EXIT_CONFIG : EXIT_SYSTEM;
		goto out;
	}
	gid_t gid = rundir_open_to_group(group);
	d.m = manager_new(d.loop, peers_dir, max_dialing);
	if (event_signal_add(d.loop, SIGINT, on_stop_signal, &d) < 0 ||
	    event_signal_add(d.loop, SIGTERM, on_stop_signal, &d) < 0 ||
	    event_signal_add(d.loop, SIGHUP, on_reload_signal, &d) < 0 ||
	    event_signal_add(d.loop, SIGUSR1, on_status_signal, &d) < 0)
		goto out;
	srv = ctl_server_open(d.loop, d.m, CTL_SOCKET, gid);
	if (!srv || manager_start(d.m) < 0)
		goto out;
	log_info("daemon ready: %s", CTL_SOCKET);
	/* READY=1 once the autostart links are dialing (manager_start started them). */
	if (sd_notify_send("READY=1") < 0)
		log_warn("cannot notify the service manager ($NOTIFY_SOCKET): %s", strerror(errno));
	d.watchdog_ms = sd_watchdog_ms();
	if (d.watchdog_ms)
		on_watchdog(&d);
	status = event_loop_run(d.loop);
	if (status < 0)
		status = EXIT_SYSTEM;
out:
	ctl_server_close(srv);
	manager_free(d.m);
	if (lock >= 0)
		rundir_unlock(DAEMON_LOCK, lock);
	event_loop_free(d.loop);
	return status;
}

int cmd_daemon(int argc, char **argv)
{
	static const struct option opts[] = {{"peers-dir", required_argument, NULL, 'p'},
	                                     {"status-group", required_argument, NULL, 'g'},
	                                     {"max-dialing", required_argument, NULL, 'm'},
	                                     {"verbose", no_argument, NULL, 'v'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *peers_dir = getenv("SSHDIAL_PEERS"), *group = "sshdial";
	unsigned max_dialing = MANAGER_MAX_DIALING;
	int opt;
	while ((opt = getopt_long(argc, argv, "p:g:m:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'm': {
			char *end;
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' || v > 1000) {
				log_error(
				    "--max-dialing '%s': not a number from 0 (no bound) to 1000",
				    optarg);
				return EXIT_CONFIG;
			}
			max_dialing = (unsigned)v;
			break;
		}
		case 'p':
			peers_dir = optarg;
			break;
		case 'g':
			group = optarg;
			break;
		case 'v':
			log_set_level(LOG_LEVEL_DEBUG);
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_CONFIG;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_CONFIG;
	}
	if (geteuid() != 0) {
		log_error("sshdial daemon must run as root: pppd and the routes need it");
		return EXIT_SYSTEM;
	}
	if (access(PPPD_PATH, X_OK) != 0) {
		log_error("pppd not found at %s: %s; install the ppp package", PPPD_PATH,
		          strerror(errno));
		return EXIT_SYSTEM;
	}
	return daemon_run(peers_dir, group, max_dialing);
}
