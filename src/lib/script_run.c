/* See script_run.h.  One object per run, freed after its callback; the timer and both
 * descriptors are keyed by it. */
#include "lib/script_run.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "lib/child.h"
#include "lib/err.h"
#include "lib/log.h"

struct script_run {
	struct event_loop *loop;
	struct child *child;
	pid_t pid;
	int err_fd; /* the read end of its stderr; -1 once at EOF */
	size_t got; /* bytes of the first line kept */
	bool line_done;
	script_done_fn fn;
	void *arg;
	struct script_outcome out;
};

static void run_child(const char *path, char *const *argv, char *const *envp, int err_w)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	setpgid(0, 0); /* one kill reaches what it starts */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(err_w, 2) < 0)
		_exit(126);
	execve(path, argv, envp);
	dprintf(2, "cannot run %s: %s\n", path, strerror(errno));
	_exit(127);
}

static void keep_line(struct script_run *s, const char *buf, size_t n)
{
	for (size_t i = 0; i < n && !s->line_done; i++) {
		if (buf[i] == '\n') {
			s->line_done = s->got > 0; /* leading empty lines say nothing */
			continue;
		}
		if (s->got + 1 < sizeof(s->out.first_line))
			s->out.first_line[s->got++] = buf[i];
	}
}

/* Reads what is there; closes at EOF or on an error. */
static void read_err(struct script_run *s)
{
	char buf[512];
	for (;;) {
		ssize_t n = read(s->err_fd, buf, sizeof(buf));
		if (n > 0) {
			keep_line(s, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		event_fd_del(s->loop, s->err_fd);
		close(s->err_fd);
		s->err_fd = -1;
		return;
	}
}

static void on_err(void *arg, int fd, uint32_t events)
{
	(void)fd;
	(void)events;
	read_err(arg);
}

static void release(struct script_run *s)
{
	event_timer_cancel_all(s->loop, s);
	if (s->err_fd >= 0) {
		event_fd_del(s->loop, s->err_fd);
		close(s->err_fd);
	}
	child_free(s->child);
	free(s);
}

static void on_exit_(void *arg, const struct child *c, int wstatus)
{
	(void)c;
	struct script_run *s = arg;
	/* What it wrote before it ended is in the pipe; a grandchild that keeps the pipe
	 * open is not waited for. */
	if (s->err_fd >= 0)
		read_err(s);
	s->out.wstatus = wstatus;
	s->out.first_line[s->got] = 0;
	s->fn(s->arg, s, &s->out);
	release(s);
}

static void on_timeout(void *arg)
{
	struct script_run *s = arg;
	s->out.timed_out = true;
	kill(-s->pid, SIGKILL);
	child_signal(s->child, SIGKILL);
}

struct script_run *script_run_start(struct event_loop *loop, const char *path, char *const *argv,
                                    char *const *envp, unsigned timeout_ms, script_done_fn fn,
                                    void *arg)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		err_log_errno(errno, "cannot run %s: pipe", path);
		return NULL;
	}
	struct script_run *s = calloc(1, sizeof(*s));
	pid_t pid = s ? fork() : -1;
	if (pid == 0)
		run_child(path, argv, envp, p[1]);
	int saved = errno;
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		free(s);
		err_log_errno(saved, "cannot run %s: fork", path);
		return NULL;
	}
	setpgid(pid, pid); /* also here: the timer may fire before the child runs */
	*s = (struct script_run){.loop = loop, .pid = pid, .err_fd = p[0], .fn = fn, .arg = arg};
	s->child = child_watch(loop, pid, "script", on_exit_, s);
	if (!s->child) { /* logged; the child was killed and reaped */
		close(p[0]);
		free(s);
		return NULL;
	}
	if (event_fd_add(loop, s->err_fd, EPOLLIN, on_err, s) < 0 ||
	    event_timer_set(loop, timeout_ms, on_timeout, s) < 0) {
		err_log_errno(errno, "cannot watch %s", path);
		kill(-pid, SIGKILL);
		release(s);
		return NULL;
	}
	return s;
}

void script_run_abandon(struct script_run *s)
{
	if (!s)
		return;
	kill(-s->pid, SIGKILL);
	release(s);
}
