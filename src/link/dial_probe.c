/* One login with the peer's own ssh (its user, identity, known_hosts, jump hosts and
 * ssh-options, as its local user without capabilities), running a given remote command
 * instead of a link: no pppd, no routes.  The first bytes the forced command answers are
 * read (a line, a few bytes of PPP, or the limit), and ssh's stderr lines read as a dial
 * reads them (link/failure.h).  ssh's stdin is held open until the answer is read, then
 * closed, and ssh is given a few seconds to end before it is ended.  `check --dial`'s
 * mechanics; what the answer means is the command's. */
#include "link/dial_probe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "lib/child.h"
#include "lib/err.h"
#include "lib/event.h"
#include "link/dial.h"
#include "link/exec_report.h"
#include "link/ssh_argv.h"

/* After the answer (or the limit): ssh's time to end by itself, then after SIGTERM. */
#define END_WAIT_MS 5000u
#define PPP_BYTES_ENOUGH 8u

struct probe {
	struct event_loop *loop;
	struct child *ssh;
	struct exec_report report;
	int in;  /* ssh's stdin, ours to close once the answer is read */
	int out; /* ssh's stdout: the forced command's answer */
	int err; /* ssh's stderr: its own lines and the remote command's */
	char answer[DIAL_PROBE_ANSWER_MAX];
	size_t answer_len;
	bool answered; /* enough of the answer is read (or its end) */
	bool timed_out;
	bool ended, exec_failed;
	int wstatus;
	char errline[1024];
	size_t errline_len;
	struct failure failure;
};

static void close_fd(struct probe *pr, int *fd)
{
	if (*fd < 0)
		return;
	event_fd_del(pr->loop, *fd);
	close(*fd);
	*fd = -1;
}

static void give_up(void *arg)
{
	struct probe *pr = arg;
	if (!pr->ended)
		child_signal(pr->ssh, SIGKILL);
}

static void ask_ssh_to_end(void *arg)
{
	struct probe *pr = arg;
	if (pr->ended)
		return;
	child_signal(pr->ssh, SIGTERM);
	event_timer_set(pr->loop, END_WAIT_MS, give_up, pr);
}

/* The answer is in: ssh's stdin closed (the channel's EOF ends serve, pppd and a shell
 * alike), and ssh given its time to end. */
static void answered(struct probe *pr)
{
	if (pr->answered)
		return;
	pr->answered = true;
	event_timer_cancel_all(pr->loop, pr);
	close_fd(pr, &pr->in);
	close_fd(pr, &pr->out);
	if (pr->ended)
		event_loop_exit(pr->loop, 0);
	else
		event_timer_set(pr->loop, END_WAIT_MS, ask_ssh_to_end, pr);
}

static void on_answer_wait(void *arg)
{
	struct probe *pr = arg;
	pr->timed_out = true;
	answered(pr);
}

static bool answer_complete(const struct probe *pr)
{
	if (pr->answer_len == sizeof(pr->answer))
		return true;
	if ((unsigned char)pr->answer[0] == 0x7e)
		return pr->answer_len >= PPP_BYTES_ENOUGH;
	return memchr(pr->answer, '\n', pr->answer_len) != NULL;
}

static void on_out(void *arg, int fd, uint32_t events)
{
	struct probe *pr = arg;
	(void)events;
	for (;;) {
		ssize_t n =
		    read(fd, pr->answer + pr->answer_len, sizeof(pr->answer) - pr->answer_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n > 0)
			pr->answer_len += (size_t)n;
		if (n <= 0 || answer_complete(pr)) {
			answered(pr);
			return;
		}
	}
}

static void err_line(struct probe *pr)
{
	pr->errline[pr->errline_len] = '\0';
	if (pr->errline_len)
		failure_from_ssh_line(&pr->failure, pr->errline);
	pr->errline_len = 0;
}

static void on_err(void *arg, int fd, uint32_t events)
{
	struct probe *pr = arg;
	(void)events;
	char buf[512];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			err_line(pr);
			close_fd(pr, &pr->err);
			return;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n' || pr->errline_len == sizeof(pr->errline) - 1)
				err_line(pr);
			if (buf[i] != '\n' && buf[i] != '\r')
				pr->errline[pr->errline_len++] = buf[i];
		}
	}
}

static void on_report(void *arg, int fd, uint32_t events)
{
	struct probe *pr = arg;
	(void)fd;
	(void)events;
	if (exec_report_read(&pr->report, pr->loop) < 0)
		pr->exec_failed = true;
}

static void on_exit_of_ssh(void *arg, const struct child *c, int wstatus)
{
	struct probe *pr = arg;
	(void)c;
	pr->ended = true;
	pr->wstatus = wstatus;
	if (exec_report_read(&pr->report, pr->loop) < 0)
		pr->exec_failed = true;
	/* What is left on stdout and stderr first: the answer may have come just before. */
	if (pr->out >= 0 && !pr->answered)
		on_out(pr, pr->out, EPOLLIN);
	if (pr->err >= 0)
		on_err(pr, pr->err, EPOLLIN);
	answered(pr);
	event_timer_cancel_all(pr->loop, pr);
	event_loop_exit(pr->loop, 0);
}

static int nonblocking_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	return fcntl(fds[0], F_SETFL, O_NONBLOCK);
}

/* 0 with r filled, or -1 when ssh could not be started (said on stderr). */
int dial_probe(const struct peer *p, const char *command, struct dial_probe_result *r)
{
	struct probe pr = {.in = -1, .out = -1, .err = -1};
	failure_clear(&pr.failure);
	pr.failure.host = peer_host(p);
	exec_report_init(&pr.report, -1);
	int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
	int rc = -1;
	signal(SIGPIPE, SIG_IGN);
	pr.loop = event_loop_new();
	if (!pr.loop || pipe2(in, O_CLOEXEC) < 0 || nonblocking_pipe(out) < 0 ||
	    nonblocking_pipe(err) < 0) {
		fprintf(stderr, "%s: cannot set up ssh's pipes: %s\n", peer_name(p),
		        strerror(errno));
		goto out;
	}
	struct err why;
	int reportfd = -1;
	pid_t pid = dial_spawn_ssh_piped(p, ssh_argv_build_probe(p, 0, command), in[0], out[1],
	                                 err[1], &reportfd, &why);
	if (pid < 0) {
		char text[300];
		err_format(&why, text, sizeof(text));
		fprintf(stderr, "%s: cannot start ssh: %s\n", peer_name(p), text);
		goto out;
	}
	exec_report_init(&pr.report, reportfd);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	in[0] = out[1] = err[1] = -1;
	pr.in = in[1];
	pr.out = out[0];
	pr.err = err[0];
	in[1] = out[0] = err[0] = -1;
	pr.ssh = child_watch(pr.loop, pid, "ssh", on_exit_of_ssh, &pr);
	if (!pr.ssh || exec_report_watch(&pr.report, pr.loop, on_report, &pr) < 0 ||
	    event_fd_add(pr.loop, pr.out, EPOLLIN, on_out, &pr) < 0 ||
	    event_fd_add(pr.loop, pr.err, EPOLLIN, on_err, &pr) < 0 ||
	    event_timer_set(pr.loop, DIAL_PROBE_WAIT_MS, on_answer_wait, &pr) < 0) {
		child_signal(pr.ssh, SIGKILL);
		goto out;
	}
	event_loop_run(pr.loop);
	*r = (struct dial_probe_result){.answer_len = pr.answer_len,
	                                .timed_out = pr.timed_out,
	                                .exec_failed = pr.exec_failed,
	                                .wstatus = pr.wstatus,
	                                .signalled = child_signalled(pr.ssh),
	                                .failure = pr.failure};
	memcpy(r->answer, pr.answer, pr.answer_len);
	snprintf(r->exec_text, sizeof(r->exec_text), "%s", pr.report.text);
	rc = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	if (pr.loop) {
		close_fd(&pr, &pr.in);
		close_fd(&pr, &pr.out);
		close_fd(&pr, &pr.err);
		exec_report_close(&pr.report, pr.loop);
		event_timer_cancel_all(pr.loop, &pr);
	}
	child_free(pr.ssh);
	event_loop_free(pr.loop);
	return rc;
}
