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
#include "ctl/control.h"
#include "lib/event.h"
#include "link/link.h"
#include "lib/err.h"
#include "lib/log.h"
#include "net/netconf.h"
#include "link/pppd_argv.h"
#include "ctl/rundir.h"

struct call {
	struct event_loop *loop;
	struct link *link;
};

static void call_usage(void)
{
	fprintf(stderr, "usage: sshdial call [--peers-dir DIR] [--verbose] PEER\n");
}

static void on_link_done(void *arg, enum failure_class cls)
{
	struct call *c = arg;
	event_loop_exit(c->loop, exit_status_of(cls));
}

static void on_stop_signal(void *arg, int signo)
{
	struct call *c = arg;
	log_info("%s received: stopping", sigabbrev_np(signo));
	link_stop(c->link);
}

static void on_status_signal(void *arg, int signo)
{
	(void)signo;
	const struct call *c = arg;
	link_log_status(c->link);
}

static int on_hook(void *arg, const struct hook_event *ev, pid_t sender, char *reply, size_t len)
{
	struct call *c = arg;
	return link_hook_event(c->link, ev, sender, reply, len);
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

/* A peer file's pty command and pppd options run as root: only root may be able to
 * change it, as iked insists for its configuration. */
/* A second call of the peer exits 1, as for any command that cannot go ahead as given
 * (sshdial(8)): the system lacks nothing, the peer is simply taken. */
static int lock_peer(const struct peer *p, int *fd)
{
	char path[108];
	pid_t holder;
	rundir_path(path, sizeof(path), peer_name(p), "pid");
	*fd = rundir_lock(peer_name(p), &holder);
	if (*fd >= 0)
		return EXIT_OK;
	if (errno == EWOULDBLOCK && holder > 0) {
		log_error("%s: already being dialed by sshdial pid %d (it holds %s); stop that one "
		          "first ('kill %d')",
		          peer_name(p), (int)holder, path, (int)holder);
		return EXIT_CONFIG;
	}
	if (errno == EWOULDBLOCK) {
		log_error("%s: already being dialed by another sshdial (it holds %s); stop that "
		          "one first",
		          peer_name(p), path);
		return EXIT_CONFIG;
	}
	err_log_errno(errno, "%s: cannot lock %s", peer_name(p), path);
	return EXIT_SYSTEM;
}

static int call_run(struct peer *p)
{
	char sock[108], journal[108];
	struct call c = {0};
	int status = EXIT_SYSTEM, lock = -1;
	struct control *ctl = NULL;
	struct netconf *nc = NULL;

	rundir_path(sock, sizeof(sock), peer_name(p), "sock");
	rundir_path(journal, sizeof(journal), peer_name(p), "journal");
	signal(SIGPIPE, SIG_IGN);
	c.loop = event_loop_new();
	if (!c.loop || rundir_prepare() < 0)
		goto out;
	/* The peer's lock first, as dhcpcd takes its pidfile's: a call that does not get it
	 * leaves the socket, the journal and the link of the one that has it alone. */
	status = lock_peer(p, &lock);
	if (status != EXIT_OK)
		goto out;
	status = EXIT_SYSTEM;
	ctl = control_open(c.loop, sock, peer_name(p), on_hook, &c);
	if (!ctl) {
		status = EXIT_CONFIG;
		goto out;
	}
	nc = netconf_open(peer_name(p), journal);
	if (!nc)
		goto out;
	c.link = link_new(c.loop, p, nc, on_link_done, &c);
	if (!c.link || event_signal_add(c.loop, SIGINT, on_stop_signal, &c) < 0 ||
	    event_signal_add(c.loop, SIGTERM, on_stop_signal, &c) < 0 ||
	    event_signal_add(c.loop, SIGUSR1, on_status_signal, &c) < 0)
		goto out;
	link_start(c.link);
	status = event_loop_run(c.loop);
	if (status < 0)
		status = EXIT_SYSTEM;
out:
	link_free(c.link);
	netconf_close(nc);
	control_close(ctl);
	rundir_unlock(peer_name(p), lock);
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
	if (status == EXIT_OK)
		status = call_run(p);
	peer_free(p);
	return status;
}
