/* The client side of the daemon's control socket (/run/sshdial/control), for the
 * commands: connecting with one message saying why not, and reading the whole answer
 * within a bound, showing meanwhile, on a terminal, the states a peer passes through
 * (asked of the daemon as status --json). */
#include "ctl/ctl_client.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ctl_request.h"
#include "lib/log.h"
#include "lib/file_write.h"

static int connect_quiet(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = CTL_SOCKET};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	int e = errno;
	if (fd >= 0)
		close(fd);
	errno = e;
	return -1;
}

int ctl_client_connect(void)
{
	int fd = connect_quiet();
	if (fd >= 0)
		return fd;
	int e = errno;
	if (e == ENOENT || e == ECONNREFUSED)
		log_error("sshdial daemon is not running (nothing answers at %s): start it with "
		          "'systemctl start sshdial' or 'sshdial daemon'",
		          CTL_SOCKET);
	else if (e == EACCES || e == EPERM)
		log_error("%s: %s: only root and members of the daemon's status group (default "
		          "'sshdial') may use it",
		          CTL_SOCKET, strerror(e));
	else
		log_error("cannot connect to %s: %s", CTL_SOCKET, strerror(e));
	errno = e;
	return -1;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The progress of up on a terminal: the peer's state as status --json says it, one line
 * each time it changes ("office: dialing gw.example.org, attempt 1: authenticating"), up
 * being the answer's own line. */
struct progress {
	const char *peer;
	char last[256];
};

/* The JSON string value of key in obj, copied into buf ("" when absent or null); the
 * values read here (state names, host names, interface names) have no escapes. */
static void json_str(const char *obj, const char *key, char *buf, size_t len)
{
	char pat[48];
	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	const char *p = strstr(obj, pat);
	buf[0] = 0;
	if (!p)
		return;
	p += strlen(pat);
	size_t n = strcspn(p, "\"\\");
	snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), p);
}

static double json_num(const char *obj, const char *key)
{
	char pat[48];
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	const char *p = strstr(obj, pat);
	if (!p)
		return -1;
	char *end;
	double v = strtod(p + strlen(pat), &end);
	return end == p + strlen(pat) ? -1 : v;
}

static void progress_tick(struct progress *pg)
{
	struct ctl_request rq = {.verb = CTL_STATUS, .json = true};
	snprintf(rq.peer, sizeof(rq.peer), "%s", pg->peer);
	char line[CTL_REQUEST_MAX + 2];
	int n = ctl_request_format(&rq, line, sizeof(line));
	int fd = n < 0 ? -1 : connect_quiet();
	if (fd < 0)
		return;
	struct textbuf in = {0};
	/* status is answered at once: a second is plenty, and up is not held up by it. */
	if (write_all(fd, line, (size_t)n) == 0) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		char buf[4096];
		ssize_t got;
		while (poll(&p, 1, 1000) > 0 && (got = read(fd, buf, sizeof(buf))) > 0)
			textbuf_printf(&in, "%.*s", (int)got, buf);
	}
	close(fd);
	if (!in.data || !strstr(in.data, "\"name\":")) {
		textbuf_free(&in);
		return;
	}
	char state[32], phase[32], server[160], now[256];
	json_str(in.data, "state", state, sizeof(state));
	json_str(in.data, "phase", phase, sizeof(phase));
	json_str(in.data, "server", server, sizeof(server));
	double attempts = json_num(in.data, "attempts"), retry = json_num(in.data, "next_retry");
	textbuf_free(&in);
	if (strcmp(state, "dialing") == 0)
		snprintf(now, sizeof(now), "%s: dialing%s%s, attempt %.0f%s%s", pg->peer,
		         server[0] ? " " : "", server, attempts, phase[0] ? ": " : "", phase);
	else if (strcmp(state, "backoff") == 0 && retry >= 0)
		snprintf(now, sizeof(now), "%s: backoff: dialing again%s%s in %.0f s", pg->peer,
		         server[0] ? " " : "", server, retry);
	else if (strcmp(state, "queued") == 0)
		snprintf(now, sizeof(now), "%s: queued: waiting for its turn to dial", pg->peer);
	else
		snprintf(now, sizeof(now), "%s: %s", pg->peer, state);
	/* A backoff's countdown is not a new state: one line per backoff.  Up is the answer's
	 * line ("office: up: ppp0 ..."), printed once it comes; idle is before the dial. */
	size_t same = strcmp(state, "backoff") == 0 ? strlen(pg->peer) + 9 : sizeof(now);
	bool shown = state[0] && strcmp(state, "up") != 0 && strcmp(state, "idle") != 0;
	if (shown && strncmp(now, pg->last, same) != 0) {
		printf("%s\n", now);
		fflush(stdout);
		snprintf(pg->last, sizeof(pg->last), "%s", now);
	}
}

/* Reads the whole answer; -1 on timeout (timeout_s 0: none) or error.  With pg, the
 * peer's progress is shown every half second meanwhile. */
static int read_answer(int fd, struct textbuf *in, double timeout_s, struct progress *pg)
{
	double end = now_s() + timeout_s;
	if (pg)
		progress_tick(pg);
	double next_tick = now_s() + 0.5;
	for (;;) {
		int ms = -1;
		if (timeout_s > 0) {
			double left = end - now_s();
			if (left <= 0)
				return -1;
			ms = (int)(left * 1000) + 1;
		}
		if (pg) {
			double t = next_tick - now_s();
			int tick_ms = t > 0 ? (int)(t * 1000) + 1 : 0;
			if (ms < 0 || tick_ms < ms)
				ms = tick_ms;
		}
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			if (pg && now_s() >= next_tick) {
				progress_tick(pg);
				next_tick = now_s() + 0.5;
				continue;
			}
			if (timeout_s > 0 && now_s() >= end)
				return -1;
			continue;
		}
		char buf[4096];
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		textbuf_printf(in, "%.*s", (int)n, buf);
	}
}

int ctl_client_read_answer(int fd, struct textbuf *in, double timeout_s, const char *progress_of)
{
	struct progress pg = {.peer = progress_of};
	return read_answer(fd, in, timeout_s, progress_of ? &pg : NULL);
}
