/* sshdial serve with the frame transport: the process forks before it becomes pppd.  The
 * parent execs pppd as in the classic path (so that pppd keeps the lease's lock and stays
 * sshd's own child), on the L2TP session instead of the ssh channel; the child is the
 * frame relay between the channel (its stdin and stdout) and the tunnel, in its own event
 * loop.  The two end together: the relay watches pppd through a pidfd and exits with it;
 * when the channel ends, it asks pppd to end (SIGTERM) and waits for it. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "server/serve_frames.h"

#include "lib/exit_status.h"
#include "lib/err.h"
#include "lib/event.h"
#include "lib/log.h"
#include "frames/frame_relay.h"
#include "frames/l2tp_link.h"
#include "server/lease.h"

/* How long pppd gets to end after SIGTERM before the relay leaves it to the kernel (the
 * tunnel goes with the relay's sockets, and pppd's link with it). */
#define PPPD_END_WAIT_MS 10000

struct relay_child {
	struct event_loop *loop;
	const char *key;
	int pidfd; /* pppd: the parent, after its exec */
	bool asked_pppd_to_end;
};

static void end_pppd(struct relay_child *c, const char *why)
{
	if (c->asked_pppd_to_end)
		return;
	c->asked_pppd_to_end = true;
	log_info("key %s: %s; ending pppd", c->key, why);
	if (syscall(SYS_pidfd_send_signal, c->pidfd, SIGTERM, NULL, 0) < 0 && errno != ESRCH)
		log_warn("key %s: cannot signal pppd: %s", c->key, strerror(errno));
}

static void give_up_waiting(void *arg)
{
	struct relay_child *c = arg;
	log_warn("key %s: pppd did not end within %d s of SIGTERM; the relay ends", c->key,
	         PPPD_END_WAIT_MS / 1000);
	event_loop_exit(c->loop, 0);
}

static void relay_ended(void *arg, const struct err *e)
{
	struct relay_child *c = arg;
	/* The key leads the line already. */
	struct err why = *e;
	why.where[0] = '\0';
	char msg[ERR_LINE_MAX];
	err_format(&why, msg, sizeof(msg));
	end_pppd(c, msg);
	event_timer_set(c->loop, PPPD_END_WAIT_MS, give_up_waiting, c);
}

static void pppd_ended(void *arg, int fd, uint32_t events)
{
	struct relay_child *c = arg;
	(void)fd;
	(void)events;
	event_loop_exit(c->loop, 0);
}

static void on_signal(void *arg, int signo)
{
	struct relay_child *c = arg;
	end_pppd(c, signo == SIGHUP ? "hangup" : "terminated");
	event_timer_set(c->loop, PPPD_END_WAIT_MS, give_up_waiting, c);
}

static const struct frame_relay_ops child_ops = {.ended = relay_ended};

static int run_relay(const char *key, struct l2tp_link *link, int pidfd)
{
	struct relay_child c = {.key = key, .pidfd = pidfd};
	char where[128];
	snprintf(where, sizeof(where), "key %s", key);
	signal(SIGPIPE, SIG_IGN);
	c.loop = event_loop_new();
	struct err e;
	struct frame_relay *r = NULL;
	if (!c.loop || event_signal_add(c.loop, SIGTERM, on_signal, &c) < 0 ||
	    event_signal_add(c.loop, SIGHUP, on_signal, &c) < 0 ||
	    event_fd_add(c.loop, pidfd, EPOLLIN, pppd_ended, &c) < 0) {
		end_pppd(&c, "the frame relay cannot start its event loop");
		return EXIT_SYSTEM;
	}
	r = frame_relay_new(c.loop, link, STDIN_FILENO, STDOUT_FILENO, FRAME_RELAY_SERVER, where,
	                    &child_ops, &c, &e);
	if (!r) {
		err_log(&e);
		end_pppd(&c, "the frame relay did not start");
	}
	event_loop_run(c.loop);
	if (r) {
		/* The one line of what the relay carried, for the administrator. */
		char text[400];
		frame_relay_stats_text(r, "the client", text, sizeof(text));
		log_info("key %s: frame relay ended: %s", key, text);
		frame_relay_free(r);
	}
	event_loop_free(c.loop);
	return EXIT_OK;
}

int serve_frames_fork(const char *key, struct l2tp_link *link, struct lease *lease)
{
	/* Opened before the fork: the child's pidfd is of this very process, whatever
	 * happens to it before the child runs. */
	int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (pidfd < 0) {
		log_warn("key %s: cannot watch this process for the frame relay (pidfd_open: %s)",
		         key, strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		log_warn("key %s: cannot start the frame relay (fork: %s)", key, strerror(errno));
		close(pidfd);
		return -1;
	}
	if (pid > 0) {
		close(pidfd);
		return 0;
	}
	/* The lease and the session are pppd's: not held here. */
	lease_release(lease);
	l2tp_link_release_session(link);
	int status = run_relay(key, link, pidfd);
	l2tp_link_close(link);
	_exit(status);
}
