/* A command run to its end within a deadline: see run_bounded.h.  The output pipe is read
 * with poll() against the deadline; the input (a few hundred bytes) fits a pipe's buffer,
 * so writing it first never waits on the child. */
#include "lib/run_bounded.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/file_write.h"

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void child(const char *path, const char *const *argv, int in, int out)
{
	char *const envp[] = {(char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", (char *)"LC_ALL=C",
	                      NULL};
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(126);
	execve(path, (char *const *)argv, envp);
	dprintf(2, "cannot run %s: %s\n", path, strerror(errno));
	_exit(127);
}

/* Reads the output until EOF or the deadline; false at the deadline. */
static int drain(int fd, long long deadline, struct run_result *r)
{
	size_t at = 0;

	for (;;) {
		long long left = deadline - now_ms();
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (left <= 0)
			return 0;
		int n = poll(&p, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? 1 : 0; /* a poll failure: stop reading, still reap */
		char buf[512];
		ssize_t got = read(fd, buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return 1;
		size_t room = sizeof(r->out) - 1 - at;
		size_t take = (size_t)got < room ? (size_t)got : room;
		memcpy(r->out + at, buf, take); /* what does not fit is read and dropped */
		at += take;
		r->out[at] = '\0';
	}
}

int run_bounded(const char *path, const char *const *argv, const char *in, size_t inlen,
                unsigned timeout_ms, struct run_result *r)
{
	int pin[2], pout[2];

	*r = (struct run_result){0};
	if (pipe2(pin, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(pout, O_CLOEXEC) < 0) {
		int e = errno;
		close(pin[0]), close(pin[1]);
		errno = e;
		return -1;
	}
	long long deadline = now_ms() + timeout_ms;
	pid_t pid = fork();
	if (pid == 0)
		child(path, argv, pin[0], pout[1]);
	int e = errno;
	close(pin[0]);
	close(pout[1]);
	if (pid < 0) {
		close(pin[1]), close(pout[0]);
		errno = e;
		return -1;
	}
	/* A child that does not read its input gets EPIPE here, not a signal: sshdial
	 * ignores SIGPIPE. */
	if (in && inlen)
		(void)write_all(pin[1], in, inlen);
	close(pin[1]);
	if (!drain(pout[0], deadline, r)) {
		r->timed_out = 1;
		kill(pid, SIGKILL);
	}
	close(pout[0]);
	while (waitpid(pid, &r->wstatus, 0) < 0)
		if (errno != EINTR) {
			r->wstatus = 0;
			break;
		}
	return 0;
}

const char *run_first_line(struct run_result *r)
{
	r->out[strcspn(r->out, "\n")] = '\0';
	return r->out;
}
