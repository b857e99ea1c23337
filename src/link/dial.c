#include "link/dial.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "lib/child.h"
#include "lib/err.h"
#include "lib/log.h"
#include "link/dial_channel.h"
#include "link/exec_report.h"
#include "link/pppd_argv.h"
#include "conf/secret.h"
#include "link/ssh_argv.h"

/* Descriptor numbers inside pppd: its log goes to stderr, the secret comes on 3, the
 * L2TP session (transport frames) on 4. */
#define PPPD_LOGFD 2
#define PPPD_PASSWORDFD 3
#define PPPD_CHANNELFD 4

struct reader {
	int fd;
	char buf[1024];
	size_t used;
};

struct dial {
	struct event_loop *loop;
	const struct peer *peer;
	const struct dial_ops *ops;
	void *arg;
	struct dial_channel *channel;
	struct child *proc[2];
	struct reader out[2];         /* ssh's stderr, pppd's log */
	struct exec_report report[2]; /* until each has executed */
	bool failed;                  /* an exec failure went to ops->failed */
	struct err fell_back;         /* auto took the pty: why */
};

/* The identity ssh runs as, resolved before fork: NSS lookups have no place in a child. */
struct ssh_identity {
	uid_t uid;
	gid_t gid;
	char home[256];
	char name[64];
};

static void reader_flush_line(struct dial *d, enum dial_proc from, char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		line[--n] = 0;
	if (n)
		d->ops->line(d->arg, from, line);
}

static void reader_drain(struct dial *d, enum dial_proc from)
{
	struct reader *r = &d->out[from];
	for (;;) {
		ssize_t n = read(r->fd, r->buf + r->used, sizeof(r->buf) - 1 - r->used);
		if (n <= 0) {
			if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
				/* EOF: the process closed its end; give out what is left. */
				r->buf[r->used] = 0;
				reader_flush_line(d, from, r->buf);
				r->used = 0;
				event_fd_del(d->loop, r->fd);
				close(r->fd);
				r->fd = -1;
			}
			return;
		}
		r->used += (size_t)n;
		r->buf[r->used] = 0;
		char *start = r->buf, *nl;
		while ((nl = strchr(start, '\n'))) {
			*nl = 0;
			reader_flush_line(d, from, start);
			start = nl + 1;
		}
		r->used = strlen(start);
		memmove(r->buf, start, r->used);
		if (r->used == sizeof(r->buf) - 1) { /* an overlong line: cut it */
			reader_flush_line(d, from, r->buf);
			r->used = 0;
		}
	}
}

static void on_ssh_output(void *arg, int fd, uint32_t events)
{
	(void)fd;
	(void)events;
	reader_drain(arg, DIAL_SSH);
}

static void on_pppd_output(void *arg, int fd, uint32_t events)
{
	(void)fd;
	(void)events;
	reader_drain(arg, DIAL_PPPD);
}

/* Gives an exec failure, if either child reported one, to ops->failed (which may free d)
 * and says so.  Its message is the one a failed start has always had. */
static bool reports_settle(struct dial *d)
{
	if (d->failed)
		return true;
	for (int i = 0; i < 2; i++) {
		if (exec_report_read(&d->report[i], d->loop) >= 0)
			continue;
		struct err e;
		err_clear(&e);
		const char *what = i == DIAL_PPPD              ? "pppd"
		                   : peer_pty_command(d->peer) ? "the pty command"
		                                               : "ssh";
		err_log(err_cause(err_set(&e, peer_name(d->peer), NULL, "cannot start %s", what), 0,
		                  d->report[i].text));
		d->failed = true;
		d->ops->failed(d->arg, FAILURE_SYSTEM, &e);
		return true;
	}
	return false;
}

static void on_report(void *arg, int fd, uint32_t events)
{
	(void)fd;
	(void)events;
	reports_settle(arg);
}

static void on_channel_ended(void *arg, const struct err *e, bool stream_ended)
{
	struct dial *d = arg;
	d->ops->relay_ended(d->arg, e, stream_ended);
}

static void on_child_exit(void *arg, const struct child *c, int wstatus)
{
	struct dial *d = arg;
	/* A child that could not execute has written why before it ended: that is the
	 * verdict, not its exit status (nor the other's, which it may have taken along). */
	if (reports_settle(d))
		return;
	enum dial_proc which = c == d->proc[DIAL_SSH] ? DIAL_SSH : DIAL_PPPD;
	/* Give out the last words before the verdict: they usually say why. */
	if (d->out[which].fd >= 0)
		reader_drain(d, which);
	d->ops->exited(d->arg, which, wstatus);
}

static void child_common_setup(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	/* Own session: a Ctrl-C on sshdial's terminal is sshdial's to handle, in order. */
	setsid();
}

static int move_fd(int from, int to)
{
	if (from == to)
		return fcntl(from, F_SETFD, 0); /* keep it across exec */
	return dup2(from, to);
}

/* Closes [from, to]; to may be INT_MAX for "and every one above". */
static void close_fd_range(int from, int to)
{
	if (from > to)
		return;
	if (syscall(SYS_close_range, (unsigned)from, (unsigned)to, 0U) == 0 || errno != ENOSYS)
		return;
	long max = sysconf(_SC_OPEN_MAX); /* before Linux 5.9: one at a time */
	if (max > 0 && max - 1 < to)
		to = (int)max - 1;
	for (int fd = from; fd <= to; fd++)
		close(fd);
}

/* In a child: every descriptor from `first` up goes, but for `report` (the exec report
 * pipe, close-on-exec).  Whatever sshdial's caller left open must not reach ssh, which runs
 * as another user, nor pppd. */
static void close_fds_from(int first, int report)
{
	close_fd_range(first, report - 1);
	close_fd_range(report + 1, INT_MAX);
}

/* In a child: tells the parent why it cannot exec, then ends.  The report pipe carries
 * it, so that no line on ssh's stderr or pppd's log is ever sshdial's own. */
static void exec_failed(int report, const char *what)
{
	dprintf(report, "%s: %s", what, strerror(errno));
	_exit(127);
}

/* In the parent, after fork: the child's exec is reported on report[0], which the caller
 * watches from the loop (exec_report_read); the write end is the child's alone. */
static pid_t exec_forked(pid_t pid, int report[2], struct err *why)
{
	close(report[1]);
	report[1] = -1;
	if (pid < 0) {
		err_errno(why, errno, NULL, NULL, "fork");
		close(report[0]);
		report[0] = -1;
		return -1;
	}
	if (fcntl(report[0], F_SETFL, O_NONBLOCK) < 0) {
		err_errno(why, errno, NULL, NULL, "cannot watch its exec report");
		close(report[0]);
		report[0] = -1;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

/* The report pipe's write end, moved above every descriptor number a child sets up. */
static int report_fd(int fd)
{
	int moved = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	return moved >= 0 ? moved : fd;
}

/* In the ssh child: become the local user with every capability set empty, the bounding
 * set included, so that nothing ssh runs (ProxyCommand, a setuid helper) can regain any. */
static void ssh_drop_privileges(const struct ssh_identity *id, int report)
{
	capng_get_caps_process();
	capng_clear(CAPNG_SELECT_ALL);
	if (id->uid != 0) {
		if (capng_change_id((int)id->uid, (int)id->gid,
		                    CAPNG_INIT_SUPP_GRP | CAPNG_CLEAR_BOUNDING |
		                        CAPNG_CLEAR_AMBIENT) != 0)
			exec_failed(report, "cannot change to the local user");
	} else if (capng_apply(CAPNG_SELECT_ALL) != 0) {
		exec_failed(report, "cannot drop capabilities");
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		exec_failed(report, "cannot set no_new_privs");
	/* Set after the identity change, which clears it. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0)
		exec_failed(report, "cannot set the parent-death signal");
}

/* Forks ssh; *reportfd is then the read end of its exec report. */
static pid_t spawn_ssh_argv(struct strv *argv, const struct ssh_identity *id, int in, int out,
                            int err, int *reportfd, struct err *why)
{
	int report[2];
	if (pipe2(report, O_CLOEXEC) < 0) {
		err_errno(why, errno, NULL, NULL, "cannot create a pipe");
		strv_free(argv);
		return -1;
	}
	char env_home[300], env_user[80], env_logname[80];
	snprintf(env_home, sizeof(env_home), "HOME=%s", id->home);
	snprintf(env_user, sizeof(env_user), "USER=%s", id->name);
	snprintf(env_logname, sizeof(env_logname), "LOGNAME=%s", id->name);

	pid_t pid = fork();
	if (pid == 0) {
		char *envp[] = {env_home,    env_user,
		                env_logname, "PATH=/usr/local/bin:/usr/bin:/bin",
		                "LANG=C",    NULL};
		int rep = report_fd(report[1]);
		child_common_setup();
		if (move_fd(in, 0) < 0 || (out == in ? dup2(0, 1) : move_fd(out, 1)) < 0 ||
		    move_fd(err, 2) < 0)
			exec_failed(rep, "cannot set up its descriptors");
		ssh_drop_privileges(id, rep);
		if (chdir(id->home) < 0 && chdir("/") < 0)
			exec_failed(rep, "cannot change to the local user's home or /");
		close_fds_from(3, rep);
		execve(strv_get(argv, 0), strv_argv(argv), envp);
		exec_failed(rep, strv_get(argv, 0));
	}
	strv_free(argv);
	pid = exec_forked(pid, report, why);
	*reportfd = report[0];
	return pid;
}

static pid_t spawn_ssh(const struct peer *p, const struct dial_hooks *hooks,
                       const struct ssh_identity *id, const struct dial_channel *c, int err,
                       int *reportfd, struct err *why)
{
	return spawn_ssh_argv(
	    ssh_argv_build_dial(p, hooks->server, hooks->connect_timeout_s, dial_channel_frames(c)),
	    id, dial_channel_ssh_in(c), dial_channel_ssh_out(c), err, reportfd, why);
}

static int resolve_identity(const struct peer *p, struct ssh_identity *id, struct err *e);

pid_t dial_spawn_ssh_piped(const struct peer *p, struct strv *argv, int in, int out, int err,
                           int *reportfd, struct err *why)
{
	struct ssh_identity id;
	err_clear(why);
	if (resolve_identity(p, &id, why) < 0) {
		strv_free(argv);
		return -1;
	}
	return spawn_ssh_argv(argv, &id, in, out, err, reportfd, why);
}

pid_t dial_spawn_ssh_client(const struct peer *p, struct strv *argv, int err, int *reportfd,
                            struct err *why)
{
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0) {
		strv_free(argv);
		err_errno(why, errno, NULL, NULL, "cannot open /dev/null");
		return -1;
	}
	pid_t pid = dial_spawn_ssh_piped(p, argv, devnull, devnull, err, reportfd, why);
	close(devnull);
	return pid;
}

static pid_t spawn_pppd(const struct peer *p, const struct dial_hooks *hooks,
                        const struct dial_channel *c, int secret, int logw, int *reportfd,
                        struct err *why)
{
	int report[2];
	if (pipe2(report, O_CLOEXEC) < 0) {
		err_errno(why, errno, NULL, NULL, "cannot create a pipe");
		return -1;
	}
	int session = dial_channel_session_fd(c);
	struct pppd_params params = {.tty = dial_channel_tty(c),
	                             .channelfd = session >= 0 ? PPPD_CHANNELFD : 0,
	                             .passwordfd = secret >= 0 ? PPPD_PASSWORDFD : -1,
	                             .logfd = PPPD_LOGFD,
	                             .ip_up = hooks->ip_up,
	                             .ip_down = hooks->ip_down};
	struct strv *argv = pppd_argv_build(p, &params);

	pid_t pid = fork();
	if (pid == 0) {
		char *envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
		int rep = report_fd(report[1]);
		child_common_setup();
		/* The session's socket first out of the way of the numbers it is given. */
		int chan = session >= 0 ? fcntl(session, F_DUPFD_CLOEXEC, 10) : -1;
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (devnull < 0 || (session >= 0 && chan < 0) || dup2(devnull, 0) < 0 ||
		    dup2(logw, 1) < 0 || move_fd(logw, 2) < 0 ||
		    (secret >= 0 && move_fd(secret, PPPD_PASSWORDFD) < 0) ||
		    (chan >= 0 && dup2(chan, PPPD_CHANNELFD) < 0))
			exec_failed(rep, "cannot set up its descriptors");
		if (secret < 0)
			close(PPPD_PASSWORDFD);
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0)
			exec_failed(rep, "cannot set the parent-death signal");
		close_fds_from(chan >= 0     ? PPPD_CHANNELFD + 1
		               : secret >= 0 ? PPPD_PASSWORDFD + 1
		                             : PPPD_LOGFD + 1,
		               rep);
		execve(PPPD_PATH, strv_argv(argv), envp);
		exec_failed(rep, PPPD_PATH);
	}
	strv_free(argv);
	pid = exec_forked(pid, report, why);
	*reportfd = report[0];
	return pid;
}

static int resolve_identity(const struct peer *p, struct ssh_identity *id, struct err *e)
{
	const char *user = peer_local_user(p);
	if (!user) /* a pty command runs as pppd's would: the caller, root, but powerless */
		user = "root";
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		return err_log(err_set(e, peer_name(p), "create the account or change local-user",
		                       "local-user '%s' does not exist on this system (%s)", user,
		                       peer_file(p)));
	}
	id->uid = pw->pw_uid;
	id->gid = pw->pw_gid;
	snprintf(id->home, sizeof(id->home), "%s", pw->pw_dir);
	snprintf(id->name, sizeof(id->name), "%s", pw->pw_name);
	return 0;
}

/* The secret goes into a pipe that pppd's passwordfd plugin reads to EOF: it never
 * appears in an argv, an environment or a file. */
static int secret_pipe(const struct peer *p, struct err *e)
{
	if (!peer_pap_user(p))
		return -2;
	char secret[SECRET_MAX];
	ssize_t n = secret_read(p, secret, sizeof(secret));
	if (n < 0)
		return -1;
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0) {
		explicit_bzero(secret, sizeof(secret));
		return err_log(err_errno(e, errno, peer_name(p), NULL, "cannot create a pipe"));
	}
	/* Smaller than the pipe's buffer, so this cannot block. */
	ssize_t w = write(fds[1], secret, (size_t)n);
	explicit_bzero(secret, sizeof(secret));
	close(fds[1]);
	if (w != n) {
		close(fds[0]);
		return err_log(
		    err_set(e, peer_name(p), NULL, "cannot pass the PAP secret to pppd"));
	}
	return fds[0];
}

static void close_fds(const int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static int nonblocking_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	return fcntl(fds[0], F_SETFL, O_NONBLOCK);
}

struct dial *dial_start(struct event_loop *loop, const struct peer *p,
                        const struct dial_hooks *hooks, const struct dial_ops *ops, void *arg,
                        enum failure_class *status, struct err *e)
{
	struct ssh_identity id;
	*status = FAILURE_CONFIG;
	if (resolve_identity(p, &id, e) < 0)
		return NULL;

	struct dial *d = calloc(1, sizeof(*d));
	if (!d) {
		err_log(err_set(e, peer_name(p), NULL, "cannot dial: out of memory"));
		*status = FAILURE_SYSTEM;
		return NULL;
	}
	*d = (struct dial){.loop = loop, .peer = p, .ops = ops, .arg = arg};
	d->out[0].fd = d->out[1].fd = -1;
	exec_report_init(&d->report[0], -1);
	exec_report_init(&d->report[1], -1);
	int secret = -1, errp[2] = {-1, -1}, logp[2] = {-1, -1};
	struct err why;
	char text[ERR_LINE_MAX];
	err_clear(&why);

	*status = FAILURE_SYSTEM;
	d->channel = dial_channel_open(p, hooks->transport, &d->fell_back, e);
	if (!d->channel)
		goto fail;
	secret = peer_link(p) ? secret_pipe(p, e) : -2;
	if (secret == -1) {
		*status = FAILURE_CONFIG;
		goto fail;
	}
	if (nonblocking_pipe(errp) < 0 || nonblocking_pipe(logp) < 0) {
		err_log(err_errno(e, errno, peer_name(p), NULL, "cannot create a pipe"));
		goto fail;
	}
	/* 'link no': forwards only, ssh alone on the pseudo-terminal.  Neither exec is waited
	 * for here: each reports through a pipe the loop watches (reports_settle). */
	pid_t pppd = peer_link(p) ? spawn_pppd(p, hooks, d->channel, secret, logp[1],
	                                       &d->report[DIAL_PPPD].fd, &why)
	                          : 0;
	if (pppd < 0) {
		err_log(err_cause(err_set(e, peer_name(p), NULL, "cannot start pppd"), 0,
		                  err_format(&why, text, sizeof(text))));
		goto fail;
	}
	if (pppd)
		d->proc[DIAL_PPPD] = child_watch(loop, pppd, "pppd", on_child_exit, d);
	if (pppd && !d->proc[DIAL_PPPD])
		goto fail; /* child_watch said why */
	if (pppd && exec_report_watch(&d->report[DIAL_PPPD], loop, on_report, d) < 0)
		goto fail; /* event_fd_add said why */
	dial_channel_pppd_forked(d->channel);
	pid_t ssh = spawn_ssh(p, hooks, &id, d->channel, errp[1], &d->report[DIAL_SSH].fd, &why);
	if (ssh < 0) {
		err_log(err_cause(err_set(e, peer_name(p), NULL, "cannot start %s",
		                          peer_pty_command(p) ? "the pty command" : "ssh"),
		                  0, err_format(&why, text, sizeof(text))));
		goto fail;
	}
	d->proc[DIAL_SSH] = child_watch(loop, ssh, "ssh", on_child_exit, d);
	if (!d->proc[DIAL_SSH])
		goto fail;
	if (exec_report_watch(&d->report[DIAL_SSH], loop, on_report, d) < 0)
		goto fail;
	if (dial_channel_ssh_forked(d->channel, loop, on_channel_ended, d, e) < 0)
		goto fail;
	if (event_fd_add(loop, errp[0], EPOLLIN, on_ssh_output, d) < 0)
		goto fail; /* event_fd_add said why */
	d->out[DIAL_SSH].fd = errp[0];
	errp[0] = -1;
	if (event_fd_add(loop, logp[0], EPOLLIN, on_pppd_output, d) < 0)
		goto fail;
	d->out[DIAL_PPPD].fd = logp[0];
	logp[0] = -1;
	*status = FAILURE_NONE;
fail:
	/* The children hold their own copies now; sshdial keeps only the channel's own. */
	close_fds((int[]){secret, errp[0], errp[1], logp[0], logp[1]}, 5);
	if (*status != FAILURE_NONE) {
		dial_free(d);
		return NULL;
	}
	return d;
}

pid_t dial_pid(const struct dial *d, enum dial_proc which)
{
	return d->proc[which] ? child_pid(d->proc[which]) : -1;
}

bool dial_frames(const struct dial *d)
{
	return dial_channel_frames(d->channel);
}

const struct err *dial_fell_back(const struct dial *d)
{
	return err_is_set(&d->fell_back) ? &d->fell_back : NULL;
}

bool dial_running(const struct dial *d, enum dial_proc which)
{
	return child_running(d->proc[which]);
}

void dial_signal(struct dial *d, enum dial_proc which, int signo)
{
	child_signal(d->proc[which], signo);
}

bool dial_signalled(const struct dial *d, enum dial_proc which)
{
	return child_signalled(d->proc[which]);
}

void dial_free(struct dial *d)
{
	if (!d)
		return;
	for (int i = 0; i < 2; i++) {
		child_free(d->proc[i]);
		if (d->out[i].fd >= 0) {
			event_fd_del(d->loop, d->out[i].fd);
			close(d->out[i].fd);
		}
		exec_report_close(&d->report[i], d->loop);
	}
	dial_channel_close(d->channel);
	free(d);
}
