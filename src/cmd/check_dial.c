/* sshdial check --dial PEER: one login with the peer's own ssh (its user, identity,
 * known_hosts, jump hosts and ssh-options, as its local user without capabilities), asking
 * the server's forced command for serve's probe (SERVE_PROBE_COMMAND) instead of a link:
 * no pppd, no routes.  What came back names the forced command: sshdial serve's answer or
 * refusal, plain PPP (a classic pppd), anything else (quoted, escaped); or, when nothing
 * came, ssh's own verdict (link/failure.h).  ssh's stdin is held open until the answer is
 * read, then closed, and ssh is given a few seconds to end before it is ended. */
#include "cmd/check_dial.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "lib/child.h"
#include "lib/control_char.h"
#include "lib/event.h"
#include "lib/log.h"
#include "link/dial.h"
#include "link/exec_report.h"
#include "link/failure.h"
#include "link/ssh_argv.h"
#include "frames/frame_relay.h"
#include "server/serve_request.h"

/* ssh's own ConnectTimeout, then the time the login and the forced command get to say
 * something (a loaded server: an emulated one took 20 s). */
#define ANSWER_WAIT_MS ((SSH_CONNECT_TIMEOUT_S + 45u) * 1000u)
/* After the answer (or the limit): ssh's time to end by itself, then after SIGTERM. */
#define END_WAIT_MS 5000u
/* Bytes enough to name what answered; a line of serve's ends sooner. */
#define ANSWER_MAX 256u
#define PPP_BYTES_ENOUGH 8u

struct probe {
	struct event_loop *loop;
	const struct peer *peer;
	struct child *ssh;
	struct exec_report report;
	int in;  /* ssh's stdin, ours to close once the answer is read */
	int out; /* ssh's stdout: the forced command's answer */
	int err; /* ssh's stderr: its own lines and the remote command's */
	char answer[ANSWER_MAX];
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

/* What the forced command sent from byte from on, for a message (lib/control_char.h), a
 * line's last newline left out. */
static void quote(const struct probe *pr, size_t from, char *buf, size_t len)
{
	size_t end = pr->answer_len;
	if (end > from && pr->answer[end - 1] == '\n')
		end--;
	quote_bytes(buf, len, pr->answer + from, end > from ? end - from : 0);
}

static bool answer_starts(const struct probe *pr, const char *with)
{
	size_t n = strlen(with);
	return pr->answer_len >= n && memcmp(pr->answer, with, n) == 0;
}

/* The verdict, printed; the exit status (sshdial(8), EXIT STATUS, check --dial). */
static int verdict(struct probe *pr)
{
	const char *name = peer_name(pr->peer);
	const char *host = peer_host(pr->peer);
	char q[4 * ANSWER_MAX + 1];
	if (pr->exec_failed) {
		fprintf(stderr, "%s: cannot start ssh: %s\n", name, pr->report.text);
		return EXIT_SYSTEM;
	}
	if (answer_starts(pr, SERVE_PROBE_ANSWER)) {
		quote(pr, strlen(SERVE_PROBE_ANSWER), q, sizeof(q));
		printf("%s: %s answers with sshdial serve: %s\n", name, host, q);
		return EXIT_OK;
	}
	if (answer_starts(pr, FRAME_REFUSED)) {
		quote(pr, strlen(FRAME_REFUSED), q, sizeof(q));
		fprintf(stderr,
		        "%s: %s answers with sshdial serve, which refuses this key: '%s'; fix this "
		        "on the server (its log says the same)\n",
		        name, host, q);
		return EXIT_PERMANENT;
	}
	if (answer_starts(pr, FRAME_MAGIC)) {
		printf("%s: %s answers with sshdial serve's frame transport (an sshdial serve "
		       "without the probe: update it to check more)\n",
		       name, host);
		return EXIT_OK;
	}
	if (pr->answer_len && (unsigned char)pr->answer[0] == 0x7e) {
		quote(pr, 0, q, sizeof(q));
		bool frames = peer_transport(pr->peer) == TRANSPORT_FRAMES;
		fprintf(
		    frames ? stderr : stdout,
		    "%s: %s answers with plain PPP ('%s'): a classic pppd as the forced command "
		    "(or an sshdial serve older than its probe)%s\n",
		    name, host, q,
		    frames ? "; it cannot carry 'transport frames': write 'transport pty' or "
		             "'transport auto' in the peer file, or run sshdial serve there"
		           : "");
		return frames ? EXIT_PERMANENT : EXIT_OK;
	}
	if (pr->answer_len) {
		quote(pr, 0, q, sizeof(q));
		fprintf(stderr,
		        "%s: %s answers with neither sshdial serve nor pppd: it sent '%s' (a shell "
		        "or another program: make the key's forced command 'sshdial serve', see "
		        "'sshdial authorize')\n",
		        name, host, q);
		return EXIT_PERMANENT;
	}
	if (pr->timed_out) { /* ssh was ended after the limit: its status says nothing */
		fprintf(
		    stderr,
		    "%s: %s: nothing answered within %u s of dialing (ssh did not log in, or the "
		    "forced command waits for input)\n",
		    name, host, ANSWER_WAIT_MS / 1000);
		return EXIT_SYSTEM;
	}
	if (WIFEXITED(pr->wstatus) && WEXITSTATUS(pr->wstatus) == 0) {
		fprintf(stderr,
		        "%s: %s: the forced command ended without a word (not sshdial serve, which "
		        "answers the probe, nor pppd)\n",
		        name, host);
		return EXIT_PERMANENT;
	}
	failure_from_ssh_exit(&pr->failure, pr->peer, pr->wstatus,
	                      child_signalled(pr->ssh) ? FAILURE_SSH_SIGNALLED : 0);
	/* ssh's and the server's words, quoted in the reason: escaped */
	char line[sizeof(pr->failure.reason) + 100];
	snprintf(line, sizeof(line), "%s: %s", name, pr->failure.reason);
	log_print_line(stderr, line);
	return pr->failure.cls == FAILURE_TRANSIENT ? EXIT_SYSTEM : exit_status_of(pr->failure.cls);
}

static int nonblocking_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	return fcntl(fds[0], F_SETFL, O_NONBLOCK);
}

int check_dial(const struct peer *p)
{
	if (peer_pty_command(p) || !peer_host(p)) {
		fprintf(stderr,
		        "%s: check --dial needs the peer's host: a pty command's ssh is its own, "
		        "and it cannot be asked for a probe\n",
		        peer_name(p));
		return EXIT_CONFIG;
	}
	struct probe pr = {.peer = p, .in = -1, .out = -1, .err = -1};
	failure_clear(&pr.failure);
	pr.failure.host = peer_host(p);
	exec_report_init(&pr.report, -1);
	int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
	int status = EXIT_SYSTEM;
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
	pid_t pid = dial_spawn_ssh_piped(p, ssh_argv_build_probe(p, 0, SERVE_PROBE_COMMAND), in[0],
	                                 out[1], err[1], &reportfd, &why);
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
	    event_timer_set(pr.loop, ANSWER_WAIT_MS, on_answer_wait, &pr) < 0) {
		child_signal(pr.ssh, SIGKILL);
		goto out;
	}
	event_loop_run(pr.loop);
	status = verdict(&pr);
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
	return status;
}
