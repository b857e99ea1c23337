/* The hook control socket: a hook accepted but not yet read when the socket is closed (an
 * ip-down that lost the race with its link's teardown) goes with it, never reaching the
 * freed socket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl/control.h"
#include "lib/event.h"
#include "tmpdir.h"

static int calls;

static int on_hook(void *arg, const struct hook_event *ev, pid_t sender, struct err *e)
{
	(void)arg;
	(void)ev;
	(void)sender;
	(void)e;
	calls++;
	return 0;
}

struct scene {
	struct event_loop *loop;
	struct control *ctl;
	int fd;
};

/* By now the connection has been accepted: a client of ctl.  ctl goes (its link torn
 * down), and only then does the hook speak: nothing may read it on ctl's behalf. */
static void close_then_speak(void *arg)
{
	struct scene *s = arg;
	control_close(s->ctl);
	struct hook_event ev = {.kind = HOOK_IP_DOWN};
	snprintf(ev.peer, sizeof(ev.peer), "p");
	snprintf(ev.ifname, sizeof(ev.ifname), "ppp0");
	char msg[HOOK_MSG_MAX];
	size_t len = hook_event_format(&ev, msg, sizeof(msg));
	assert_true(len > 0);
	(void)send(s->fd, msg, len, MSG_NOSIGNAL);
}

static void stop(void *arg)
{
	event_loop_exit(arg, 0);
}

static void closing_drops_pending_hooks(void **state)
{
	(void)state;
	char *dir = tmpdir_new(), path[108];
	snprintf(path, sizeof(path), "%s/p.sock", dir);
	struct scene s = {.loop = event_loop_new()};
	assert_non_null(s.loop);
	s.ctl = control_open(s.loop, path, "p", on_hook, NULL);
	assert_non_null(s.ctl);

	s.fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	memcpy(sa.sun_path, path, strlen(path) + 1);
	assert_int_equal(connect(s.fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	event_timer_set(s.loop, 50, close_then_speak, &s);
	event_timer_set(s.loop, 150, stop, s.loop);
	assert_int_equal(event_loop_run(s.loop), 0);

	assert_int_equal(calls, 0);
	char reply[64];
	assert_true(recv(s.fd, reply, sizeof(reply), MSG_DONTWAIT) <= 0); /* closed unanswered */
	close(s.fd);
	event_loop_free(s.loop);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(closing_drops_pending_hooks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
