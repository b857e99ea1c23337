#include "net/resolve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/child.h"
#include "lib/err.h"
#include "lib/log.h"

struct resolve {
	struct event_loop *loop;
	char host[256];
	unsigned timeout_ms;
	int fd; /* the pipe's read end */
	struct child *child;
	char buf[RESOLVE_WIRE_MAX];
	size_t len;
	resolve_fn fn;
	void *arg;
};

/* ---- the wire: pure, shared by both ends ---- */

static size_t append(char *buf, size_t len, size_t at, const char *fmt, const char *s)
{
	if (at >= len)
		return len;
	int n = snprintf(buf + at, len - at, fmt, s);
	return n < 0 ? len : at + (size_t)n;
}

size_t resolve_encode(const struct resolve_result *r, char *buf, size_t len)
{
	size_t at = 0;
	if (!r->ok) {
		char text[sizeof(r->error)];
		snprintf(text, sizeof(text), "%s", r->error);
		for (char *c = text; *c; c++)
			if (*c == '\n' || *c == '\r')
				*c = ' ';
		at = append(buf, len, at, "error %s\n", text);
		return at < len ? at : 0;
	}
	for (size_t i = 0; i < r->n && i < RESOLVE_MAX_ADDRS; i++) {
		char a[INET6_ADDRSTRLEN];
		if (!inet_ntop(r->addrs[i].family, &r->addrs[i].u, a, sizeof(a)))
			continue;
		at = append(buf, len, at, "addr %s\n", a);
	}
	at = append(buf, len, at, "%s", "end\n");
	return at < len ? at : 0;
}

static int decode_addr(const char *text, struct net_addr *a)
{
	unsigned char bytes[sizeof(struct in6_addr)];
	if (inet_pton(AF_INET, text, bytes) == 1)
		return net_addr_set(a, AF_INET, bytes, sizeof(struct in_addr));
	if (inet_pton(AF_INET6, text, bytes) == 1)
		return net_addr_set(a, AF_INET6, bytes, sizeof(struct in6_addr));
	return -1;
}

/* One line (without its newline): 1 the answer is complete, 0 more to come, -1 bad. */
static int decode_line(char *line, const char *host, struct resolve_result *out)
{
	if (strncmp(line, "addr ", 5) == 0) {
		if (out->n == RESOLVE_MAX_ADDRS || decode_addr(line + 5, &out->addrs[out->n]) < 0)
			return -1;
		out->n++;
		return 0;
	}
	if (strcmp(line, "end") == 0 && out->n > 0) {
		out->ok = true;
		return 1;
	}
	if (strncmp(line, "error ", 6) == 0 && out->n == 0) {
		/* ssh's words for the same failure, so that both read alike in the log */
		snprintf(out->error, sizeof(out->error), "Could not resolve hostname %s: %s", host,
		         line + 6);
		return 1;
	}
	return -1;
}

void resolve_decode(const char *buf, size_t len, const char *host, struct resolve_result *out)
{
	char copy[RESOLVE_WIRE_MAX + 1];
	memset(out, 0, sizeof(*out));
	int done = 0;
	if (len < sizeof(copy) && !memchr(buf, 0, len)) {
		memcpy(copy, buf, len);
		copy[len] = 0;
		char *line = copy, *nl;
		while (done == 0 && (nl = strchr(line, '\n'))) {
			*nl = 0;
			done = decode_line(line, host, out);
			line = nl + 1;
		}
		if (done == 1 && *line)
			done = -1; /* something after the answer */
	}
	if (done != 1) {
		memset(out, 0, sizeof(*out));
		snprintf(out->error, sizeof(out->error),
		         "cannot resolve %s: the resolver process ended without an answer", host);
	}
}

/* ---- the child ---- */

static void lookup_getaddrinfo(const char *host, struct resolve_result *out)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	int err = getaddrinfo(host, NULL, &hints, &res);
	if (err != 0) {
		snprintf(out->error, sizeof(out->error), "%s",
		         err == EAI_SYSTEM ? strerror(errno) : gai_strerror(err));
		return;
	}
	for (struct addrinfo *ai = res; ai && out->n < RESOLVE_MAX_ADDRS; ai = ai->ai_next) {
		const void *bytes = NULL;
		size_t len = 0;
		if (ai->ai_family == AF_INET) {
			bytes = &((struct sockaddr_in *)ai->ai_addr)->sin_addr;
			len = sizeof(struct in_addr);
		} else if (ai->ai_family == AF_INET6) {
			bytes = &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
			len = sizeof(struct in6_addr);
		}
		if (bytes && net_addr_set(&out->addrs[out->n], ai->ai_family, bytes, len) == 0)
			out->n++;
	}
	freeaddrinfo(res);
	out->ok = out->n > 0;
	if (!out->ok)
		snprintf(out->error, sizeof(out->error), "no IPv4 or IPv6 address");
}

/* Keeps only the pipe (as fd 3) and stdio: the child must not hold the loop's sockets,
 * a pty or a lock while it waits on DNS.  It dies with its parent. */
/* Becomes uid (with its primary group and no others), so that the query goes where that
 * account's traffic goes: under route-all's kill switch only local-user's reaches the
 * name server while the link is down. */
static bool child_become(uid_t uid, struct resolve_result *r)
{
	if (uid == RESOLVE_AS_CALLER)
		return true;
	const struct passwd *pw = getpwuid(uid);
	if (pw && setgroups(0, NULL) == 0 && setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == 0 &&
	    setresuid(uid, uid, uid) == 0)
		return true;
	snprintf(r->error, sizeof(r->error), "cannot run the lookup as uid %u: %s", (unsigned)uid,
	         pw ? strerror(errno) : "no such account");
	return false;
}

static void child_main(const char *host, uid_t uid, int wfd, resolve_lookup_fn lookup)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (wfd != 3 && dup2(wfd, 3) < 0)
		_exit(1);
	close_range(4, ~0U, 0);
	struct resolve_result r = {0};
	if (child_become(uid, &r))
		lookup(host, &r);
	char buf[RESOLVE_WIRE_MAX];
	size_t len = resolve_encode(&r, buf, sizeof(buf));
	for (size_t at = 0; at < len;) {
		ssize_t n = write(3, buf + at, len - at);
		if (n <= 0)
			_exit(1);
		at += (size_t)n;
	}
	_exit(0);
}

/* ---- the parent ---- */

static void resolve_release(struct resolve *r)
{
	event_timer_cancel_all(r->loop, r);
	if (r->fd >= 0) {
		event_fd_del(r->loop, r->fd);
		close(r->fd);
	}
	child_free(r->child); /* kills it if it still runs */
	free(r);
}

static void finish(struct resolve *r, const struct resolve_result *res)
{
	resolve_fn fn = r->fn;
	void *arg = r->arg;
	resolve_release(r);
	fn(arg, res);
}

static void on_timeout(void *arg)
{
	struct resolve *r = arg;
	struct resolve_result res = {0};
	snprintf(res.error, sizeof(res.error), "cannot resolve %s within %u s", r->host,
	         (r->timeout_ms + 999) / 1000);
	finish(r, &res);
}

static void on_readable(void *arg, int fd, uint32_t events)
{
	(void)events;
	struct resolve *r = arg;
	ssize_t n;
	while ((n = read(fd, r->buf + r->len, sizeof(r->buf) - r->len)) > 0) {
		r->len += (size_t)n;
		if (r->len == sizeof(r->buf))
			break; /* longer than any answer: decoding will refuse it */
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	struct resolve_result res;
	resolve_decode(r->buf, r->len, r->host, &res);
	finish(r, &res);
}

static void on_child_exit(void *arg, const struct child *c, int wstatus)
{
	/* The answer comes through the pipe, whose end says when: nothing to do here. */
	(void)arg;
	(void)c;
	(void)wstatus;
}

struct resolve *resolve_start_with(struct event_loop *loop, const char *host, uid_t uid,
                                   unsigned timeout_ms, resolve_lookup_fn lookup, resolve_fn fn,
                                   void *arg)
{
	int p[2];
	struct resolve *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	*r = (struct resolve){
	    .loop = loop, .timeout_ms = timeout_ms, .fd = -1, .fn = fn, .arg = arg};
	snprintf(r->host, sizeof(r->host), "%s", host);
	if (pipe2(p, O_CLOEXEC) < 0) {
		err_log_errno(errno, "cannot resolve %s: pipe", host);
		free(r);
		return NULL;
	}
	pid_t pid = fork();
	if (pid == 0)
		child_main(r->host, uid, p[1], lookup);
	close(p[1]);
	r->fd = p[0];
	if (pid < 0) {
		err_log_errno(errno, "cannot resolve %s: fork", host);
		resolve_release(r);
		return NULL;
	}
	r->child = child_watch(loop, pid, "resolver", on_child_exit, r);
	if (!r->child || fcntl(r->fd, F_SETFL, O_NONBLOCK) < 0 ||
	    event_fd_add(loop, r->fd, EPOLLIN, on_readable, r) < 0 ||
	    event_timer_set(loop, timeout_ms, on_timeout, r) < 0) {
		log_error("cannot resolve %s: cannot watch the resolver process", host);
		resolve_release(r);
		return NULL;
	}
	return r;
}

struct resolve *resolve_start(struct event_loop *loop, const char *host, unsigned timeout_ms,
                              resolve_fn fn, void *arg)
{
	return resolve_start_with(loop, host, RESOLVE_AS_CALLER, timeout_ms, lookup_getaddrinfo, fn,
	                          arg);
}

struct resolve *resolve_start_as(struct event_loop *loop, const char *host, uid_t uid,
                                 unsigned timeout_ms, resolve_fn fn, void *arg)
{
	return resolve_start_with(loop, host, uid, timeout_ms, lookup_getaddrinfo, fn, arg);
}

void resolve_cancel(struct resolve *r)
{
	if (r)
		resolve_release(r);
}
