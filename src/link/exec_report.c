#include "link/exec_report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

void exec_report_init(struct exec_report *r, int fd)
{
	*r = (struct exec_report){.fd = fd};
}

int exec_report_watch(struct exec_report *r, struct event_loop *loop, event_fd_fn fn, void *arg)
{
	if (r->fd < 0 || event_fd_add(loop, r->fd, EPOLLIN, fn, arg) < 0)
		return -1;
	r->watched = true;
	return 0;
}

void exec_report_close(struct exec_report *r, struct event_loop *loop)
{
	if (r->fd < 0)
		return;
	if (r->watched)
		event_fd_del(loop, r->fd);
	r->watched = false;
	close(r->fd);
	r->fd = -1;
}

int exec_report_read(struct exec_report *r, struct event_loop *loop)
{
	const size_t room = sizeof(r->text) - 1;
	while (r->fd >= 0) {
		ssize_t n = read(r->fd, r->text + r->used, room - r->used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n > 0) {
			r->used += (size_t)n;
			if (r->used < room)
				continue;
		} else if (n < 0 && !r->used) {
			r->used = (size_t)snprintf(r->text, room, "cannot read its exec report: %s",
			                           strerror(errno));
			if (r->used >= room)
				r->used = room - 1;
		}
		r->text[r->used] = 0;
		exec_report_close(r, loop);
	}
	return r->used ? -1 : 1;
}
