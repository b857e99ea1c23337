#include "daemon/ctl_server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl/ctl_request.h"
#include "daemon/ctl_slots.h"
#include "lib/log.h"
#include "lib/textbuf.h"
#include "lib/xalloc.h"

/* A client that has not sent its request line by then is dropped. */
#define REQUEST_TIMEOUT_MS 5000

struct client {
	struct ctl_server *s;
	int fd;
	uid_t uid;
	bool root;
	bool waiting; /* for the manager's answer */
	char in[CTL_REQUEST_MAX + 2];
	size_t inlen;
	struct textbuf out;
	size_t sent;
	struct client *next;
};

struct ctl_server {
	struct event_loop *loop;
	struct manager *m;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	gid_t status_gid;
	struct client *clients;
	unsigned nclients;
};

static void client_free(struct client *c)
{
	struct ctl_server *s = c->s;
	struct client **pp = &s->clients;
	while (*pp && *pp != c)
		pp = &(*pp)->next;
	if (*pp)
		*pp = c->next;
	s->nclients--;
	event_timer_cancel_all(s->loop, c);
	event_fd_del(s->loop, c->fd);
	close(c->fd);
	if (c->waiting)
		manager_forget(s->m, c);
	textbuf_free(&c->out);
	free(c);
}

static void on_client(void *arg, int fd, uint32_t events);

static void flush(struct client *c)
{
	while (c->sent < c->out.len) {
		ssize_t n = send(c->fd, c->out.data + c->sent, c->out.len - c->sent,
		                 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			event_fd_del(c->s->loop, c->fd);
			event_fd_add(c->s->loop, c->fd, EPOLLOUT, on_client, c);
			return;
		}
		if (n <= 0)
			break;
		c->sent += (size_t)n;
	}
	client_free(c);
}

/* Appends text line by line, each escaped as log_escape does: a text reply ends up on a
 * terminal, and it quotes what the server and pppd said (a failure's reason). */
static void append_escaped(struct textbuf *out, const char *text)
{
	while (*text) {
		size_t n = strcspn(text, "\n");
		char *line = xstrndup(text, n);
		size_t cap = 4 * n + 8; /* \xNN for every byte at worst */
		char *esc = xmalloc(cap);
		log_escape(esc, cap, line);
		textbuf_printf(out, "%s\n", esc);
		free(esc);
		free(line);
		text += n + (text[n] == '\n');
	}
}

/* json: text is JSON, whose strings are escaped already; any other reply is escaped here. */
static void reply_as(struct client *c, enum ctl_status st, const char *text, bool json)
{
	if (c->waiting)
		manager_forget(c->s->m, c); /* no answer may reach c once it is freed */
	c->waiting = false;
	event_timer_cancel_all(c->s->loop, c);
	textbuf_printf(&c->out, "status %s\n", ctl_status_name(st));
	if (text && text[0] && json)
		textbuf_printf(&c->out, "%s%s", text, text[strlen(text) - 1] == '\n' ? "" : "\n");
	else if (text)
		append_escaped(&c->out, text);
	flush(c);
}

static void reply(struct client *c, enum ctl_status st, const char *text)
{
	reply_as(c, st, text, false);
}

static void on_answer(void *arg, enum ctl_status st, const char *text)
{
	reply(arg, st, text);
}

static void handle(struct client *c, const char *line, size_t len)
{
	struct ctl_request rq;
	char why[128];
	event_timer_cancel_all(c->s->loop, c); /* the request is in: up may take minutes */
	if (ctl_request_parse(line, len, &rq, why, sizeof(why)) < 0) {
		log_warn("control: a malformed request from fd %d: %s", c->fd, why);
		reply(c, CTL_REQUEST, why);
		return;
	}
	if (ctl_verb_changes(rq.verb) && !c->root) {
		snprintf(why, sizeof(why),
		         "only root may %s (members of the status group may read status)",
		         ctl_verb_name(rq.verb));
		reply(c, CTL_DENIED, why);
		return;
	}
	struct textbuf out = {0};
	enum ctl_status st;
	switch (rq.verb) {
	case CTL_STATUS:
		st = manager_status(c->s->m, rq.peer, rq.json ? STATUS_JSON : STATUS_TABLE, &out);
		reply_as(c, st, out.data, rq.json && (st == CTL_OK || st == CTL_NOT_UP));
		break;
	case CTL_RELOAD:
		log_info("reload asked for");
		st = manager_reload(c->s->m, &out);
		reply(c, st, out.data);
		break;
	default:
		log_info("%s %s asked for", ctl_verb_name(rq.verb), rq.peer);
		c->waiting = true;
		manager_command(c->s->m, &rq, on_answer, c); /* may answer at once */
		break;
	}
	textbuf_free(&out);
}

static void on_timeout(void *arg)
{
	struct client *c = arg;
	reply(c, CTL_REQUEST, "no request line within 5 s");
}

static void on_client(void *arg, int fd, uint32_t events)
{
	struct client *c = arg;
	if (c->out.len) {
		if (events & EPOLLOUT)
			flush(c);
		else if (events & (EPOLLHUP | EPOLLERR))
			client_free(c);
		return;
	}
	if (c->waiting) {
		/* Nothing more is read; a client that hangs up is forgotten. */
		char buf[64];
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			client_free(c);
		return;
	}
	ssize_t n = recv(fd, c->in + c->inlen, sizeof(c->in) - 1 - c->inlen, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_free(c);
		return;
	}
	c->inlen += (size_t)n;
	char *nl = memchr(c->in, '\n', c->inlen);
	if (nl) {
		handle(c, c->in, (size_t)(nl - c->in));
		return;
	}
	if (c->inlen > CTL_REQUEST_MAX) {
		log_warn("control: a request longer than %d bytes from fd %d", CTL_REQUEST_MAX, fd);
		reply(c, CTL_REQUEST, "request too long");
	}
}

/* Root, or a member of the status group (primary or supplementary), checked on the
 * connection itself (SO_PEERCRED, SO_PEERGROUPS). */
static int client_rights(const struct ctl_server *s, int fd, uid_t *uid, bool *root)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -1;
	*uid = cred.uid;
	*root = cred.uid == 0;
	if (*root)
		return 0;
	if (s->status_gid == (gid_t)-1)
		return -1;
	if (cred.gid == s->status_gid)
		return 0;
	gid_t groups[256];
	len = sizeof(groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
		return -1;
	for (size_t i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == s->status_gid)
			return 0;
	return -1;
}

static void on_accept(void *arg, int fd, uint32_t events)
{
	(void)events;
	struct ctl_server *s = arg;
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd < 0)
		return;
	bool root = false;
	uid_t uid = (uid_t)-1;
	unsigned non_root = 0, same_uid = 0;
	bool allowed = client_rights(s, cfd, &uid, &root) == 0;
	for (const struct client *o = s->clients; allowed && o; o = o->next) {
		non_root += !o->root;
		same_uid += o->uid == uid;
	}
	if (!allowed || !ctl_slots_admit(s->nclients, non_root, same_uid, root)) {
		/* nothing for a stranger, nor past its uid's slots or the limit */
		if (allowed)
			log_debug("control: uid %u has %u connections open, %u in all: closed",
			          (unsigned)uid, same_uid, s->nclients);
		close(cfd);
		return;
	}
	struct client *c = xcalloc(1, sizeof(*c));
	*c = (struct client){.s = s, .fd = cfd, .uid = uid, .root = root, .next = s->clients};
	if (event_fd_add(s->loop, cfd, EPOLLIN, on_client, c) < 0) {
		close(cfd);
		free(c);
		return;
	}
	s->clients = c;
	s->nclients++;
	event_timer_set(s->loop, REQUEST_TIMEOUT_MS, on_timeout, c);
}

struct ctl_server *ctl_server_open(struct event_loop *loop, struct manager *m, const char *path,
                                   gid_t status_gid)
{
	struct ctl_server *s = xcalloc(1, sizeof(*s));
	*s = (struct ctl_server){.loop = loop, .m = m, .fd = -1, .status_gid = status_gid};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t n = strlen(path);
	if (n >= sizeof(sa.sun_path)) {
		log_error("control socket path too long: %s", path);
		free(s);
		return NULL;
	}
	memcpy(s->path, path, n + 1);
	memcpy(sa.sun_path, path, n + 1);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	/* The daemon's lock is held: a socket left at path is a dead daemon's. */
	unlink(path);
	mode_t old = umask(0177);
	int ok = s->fd >= 0 && bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	umask(old);
	if (ok && status_gid != (gid_t)-1)
		ok = chown(path, 0, status_gid) == 0 && chmod(path, 0660) == 0;
	if (!ok || listen(s->fd, CTL_SLOTS_MAX) < 0 ||
	    event_fd_add(loop, s->fd, EPOLLIN, on_accept, s) < 0) {
		log_error("cannot open the control socket %s: %s", path, strerror(errno));
		ctl_server_close(s);
		return NULL;
	}
	return s;
}

void ctl_server_close(struct ctl_server *s)
{
	if (!s)
		return;
	while (s->clients)
		client_free(s->clients);
	if (s->fd >= 0) {
		event_fd_del(s->loop, s->fd);
		close(s->fd);
		unlink(s->path);
	}
	free(s);
}
