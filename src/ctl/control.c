#include "ctl/control.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/log.h"

/* A client that connects and says nothing is dropped after this long. */
#define CONTROL_CLIENT_TIMEOUT_MS 5000

struct control {
	struct event_loop *loop;
	int fd;
	char path[108];
	char label[64];
	control_hook_fn fn;
	void *arg;
	struct client *clients; /* accepted, not yet answered: closed with the socket */
};

struct client {
	struct control *ctl;
	int fd;
	struct ucred cred;
	struct client *next;
};

static void client_close(struct client *cl)
{
	struct client **pp = &cl->ctl->clients;
	while (*pp && *pp != cl)
		pp = &(*pp)->next;
	if (*pp)
		*pp = cl->next;
	event_timer_cancel_all(cl->ctl->loop, cl);
	event_fd_del(cl->ctl->loop, cl->fd);
	close(cl->fd);
	free(cl);
}

static void client_timeout(void *arg)
{
	struct client *cl = arg;
	log_warn("%s: dropped a silent control client (pid %d)", cl->ctl->label, (int)cl->cred.pid);
	client_close(cl);
}

static void client_reply(struct client *cl, const char *msg)
{
	/* Best effort: the hook may already be gone. */
	if (send(cl->fd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("%s: cannot answer pid %d: %s", cl->ctl->label, (int)cl->cred.pid,
		          strerror(errno));
}

static void client_readable(void *arg, int fd, uint32_t events)
{
	(void)events;
	struct client *cl = arg;
	struct control *ctl = cl->ctl;
	char buf[HOOK_MSG_MAX + 1], reply[400];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == 0) { /* connected and hung up: another sshdial checking the socket is live */
		client_close(cl);
		return;
	}
	struct hook_event ev;
	const char *why = "an empty message";
	/* The socket's directory is root's alone; this is the second lock on the door.  The
	 * refusal waits for the client's message: closing with it unread would reset the
	 * connection, and the client would never hear why. */
	if (cl->cred.uid != 0) {
		log_warn("%s: dropped a hook event from uid %u (pid %d): only root may send them",
		         ctl->label, (unsigned)cl->cred.uid, (int)cl->cred.pid);
		snprintf(reply, sizeof(reply), "error: only root may send hook events");
	} else if (n <= 0 || !hook_event_parse(buf, (size_t)n, &ev, &why)) {
		log_warn("%s: dropped a malformed hook event from pid %d: %s", ctl->label,
		         (int)cl->cred.pid, why);
		snprintf(reply, sizeof(reply), "error: malformed event: %s", why);
	} else {
		struct err e;
		err_clear(&e);
		if (ctl->fn(ctl->arg, &ev, cl->cred.pid, &e) == 0)
			snprintf(reply, sizeof(reply), "ok");
		else {
			if (!err_is_set(&e))
				err_set(&e, NULL, NULL, "refused");
			memcpy(reply, "error: ", 7);
			err_format_escaped(&e, reply + 7, sizeof(reply) - 7);
		}
	}
	client_reply(cl, reply);
	client_close(cl);
}

static void control_accept(void *arg, int fd, uint32_t events)
{
	(void)events;
	struct control *ctl = arg;
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd < 0)
		return;
	struct client *cl = calloc(1, sizeof(*cl));
	socklen_t len = sizeof(struct ucred);
	if (!cl || getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cl->cred, &len) < 0) {
		close(cfd);
		free(cl);
		return;
	}
	cl->ctl = ctl;
	cl->fd = cfd;
	if (event_fd_add(ctl->loop, cfd, EPOLLIN, client_readable, cl) < 0) {
		close(cfd);
		free(cl);
		return;
	}
	cl->next = ctl->clients;
	ctl->clients = cl;
	event_timer_set(ctl->loop, CONTROL_CLIENT_TIMEOUT_MS, client_timeout, cl);
}

static int fill_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa->sun_path, path);
	return 0;
}

struct control *control_open(struct event_loop *loop, const char *path, const char *label,
                             control_hook_fn fn, void *arg)
{
	struct sockaddr_un sa;
	struct control *ctl = calloc(1, sizeof(*ctl));
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (!ctl || fd < 0 || fill_addr(&sa, path) < 0) {
		err_log_errno(errno, "%s: cannot create the control socket %s", label, path);
		goto fail;
	}
	/* A socket that answers belongs to a live sshdial; one that doesn't is stale. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		log_error("%s: already being dialed by another sshdial (%s answers); stop it "
		          "first",
		          label, path);
		goto fail;
	}
	close(fd);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	unlink(path);
	mode_t old = umask(077);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0 || listen(fd, 8) < 0) {
		err_log_errno(errno, "%s: cannot listen on %s", label, path);
		goto fail;
	}
	*ctl = (struct control){.loop = loop, .fd = fd, .fn = fn, .arg = arg};
	snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	snprintf(ctl->label, sizeof(ctl->label), "%s", label);
	if (event_fd_add(loop, fd, EPOLLIN, control_accept, ctl) < 0) {
		unlink(path);
		goto fail;
	}
	return ctl;
fail:
	if (fd >= 0)
		close(fd);
	free(ctl);
	return NULL;
}

void control_close(struct control *ctl)
{
	if (!ctl)
		return;
	/* A hook accepted but not yet read (an ip-down that lost the race with pppd's exit)
	 * must not outlive ctl: its handler and its timeout reach ctl. */
	while (ctl->clients)
		client_close(ctl->clients);
	event_fd_del(ctl->loop, ctl->fd);
	close(ctl->fd);
	unlink(ctl->path);
	free(ctl);
}

int control_send_hook(const char *path, const struct hook_event *ev, unsigned timeout_ms,
                      struct err *e)
{
	struct sockaddr_un sa;
	char msg[HOOK_MSG_MAX], reply[400];
	size_t len = hook_event_format(ev, msg, sizeof(msg));
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || fill_addr(&sa, path) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err_errno(e, errno, NULL, NULL, "cannot reach sshdial at %s", path);
		goto fail;
	}
	if (!len || send(fd, msg, len, MSG_NOSIGNAL) != (ssize_t)len) {
		err_errno(e, errno, NULL, NULL, "cannot send to %s", path);
		goto fail;
	}
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	if (poll(&pfd, 1, (int)timeout_ms) != 1) {
		err_set(e, NULL, NULL, "no answer from sshdial at %s within %u ms", path,
		        timeout_ms);
		goto fail;
	}
	ssize_t n = recv(fd, reply, sizeof(reply) - 1, 0);
	if (n <= 0) {
		err_set(e, NULL, NULL, "sshdial at %s closed without an answer", path);
		goto fail;
	}
	reply[n] = 0;
	close(fd);
	if (strcmp(reply, "ok") == 0)
		return 0;
	err_set(e, NULL, NULL, "%s", reply);
	return -1;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}
