#include "lib/child.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/log.h"
#include "lib/proc.h"

struct child {
	struct event_loop *loop;
	pid_t pid;
	int pidfd;
	char label[32];
	bool running;
	bool signalled; /* sshdial signalled it while it still ran */
	child_exit_fn fn;
	void *arg;
};

static void child_reap(void *arg, int fd, uint32_t events)
{
	(void)fd;
	(void)events;
	struct child *c = arg;
	int wstatus;

	pid_t r = waitpid(c->pid, &wstatus, WNOHANG);
	if (r == 0)
		return;
	if (r < 0)
		wstatus = 0;
	c->running = false;
	event_fd_del(c->loop, c->pidfd);
	close(c->pidfd);
	c->pidfd = -1;
	c->fn(c->arg, c, wstatus);
}

struct child *child_watch(struct event_loop *loop, pid_t pid, const char *label, child_exit_fn fn,
                          void *arg)
{
	struct child *c = calloc(1, sizeof(*c));
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (!c || pidfd < 0 || event_fd_add(loop, pidfd, EPOLLIN, child_reap, c) < 0) {
		err_log_errno(errno, "cannot watch %s (pid %d)", label, (int)pid);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (pidfd >= 0)
			close(pidfd);
		free(c);
		return NULL;
	}
	*c = (struct child){
	    .loop = loop, .pid = pid, .pidfd = pidfd, .running = true, .fn = fn, .arg = arg};
	snprintf(c->label, sizeof(c->label), "%s", label);
	return c;
}

pid_t child_pid(const struct child *c)
{
	return c->pid;
}

const char *child_label(const struct child *c)
{
	return c->label;
}

bool child_running(const struct child *c)
{
	return c && c->running;
}

void child_signal(struct child *c, int signo)
{
	if (!c || !c->running)
		return;
	/* Exited but not reaped yet: it ended by itself, and its status must say so. */
	siginfo_t info = {0};
	if (waitid(P_PID, (id_t)c->pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	    info.si_pid == c->pid)
		return;
	/* The pidfd pins the pid: a signal can never reach a recycled one. */
	if (syscall(SYS_pidfd_send_signal, c->pidfd, signo, NULL, 0) == 0)
		c->signalled = true;
}

bool child_signalled(const struct child *c)
{
	return c && c->signalled;
}

void child_free(struct child *c)
{
	if (!c)
		return;
	if (c->running) {
		syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
		waitpid(c->pid, NULL, 0);
		event_fd_del(c->loop, c->pidfd);
		close(c->pidfd);
	}
	free(c);
}

void child_describe(int wstatus, char *buf, unsigned len)
{
	if (WIFEXITED(wstatus))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(wstatus));
	else if (WIFSIGNALED(wstatus))
		snprintf(buf, len, "killed by SIG%s", sigabbrev_np(WTERMSIG(wstatus)));
	else
		snprintf(buf, len, "ended (wait status %#x)", (unsigned)wstatus);
}

pid_t process_parent(pid_t pid)
{
	pid_t ppid;
	return proc_stat(pid, &ppid, NULL, 0) ? ppid : -1;
}
