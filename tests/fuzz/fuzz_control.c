/* Control messages: each input is one datagram sent to a real control socket by a client,
 * as the hook sends its event.  An event loop runs once (event_loop_exit is for good), so
 * each input gets a loop and a control_open of its own, in a private directory; the loop
 * runs until the control side has answered and closed the connection. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl/control.h"
#include "lib/err.h"
#include "lib/event.h"
#include "fuzz_util.h"
#include "ctl/hook_event.h"
#include "lib/log.h"

static const char *dir;
static char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static struct event_loop *loop;

/* The link's handler: accepts an event for its own peer, refuses others with a reason. */
static int on_hook(void *arg, const struct hook_event *ev, pid_t sender, struct err *e)
{
	(void)arg;
	(void)sender;
	if (strcmp(ev->peer, "office") == 0)
		return 0;
	err_set(e, NULL, NULL, "no link '%s' here", ev->peer);
	return -1;
}

struct answer {
	ssize_t len; /* -2: none yet */
	char text[512];
};

static void on_answer(void *arg, int fd, uint32_t events)
{
	(void)events;
	struct answer *a = arg;
	ssize_t n = recv(fd, a->text, sizeof(a->text) - 1, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	a->len = n;
	a->text[n > 0 ? n : 0] = '\0';
	event_loop_exit(loop, 0);
}

/* What the hook must hear: "ok" for an event of this link, else an error; nothing when it
 * sent nothing (which is how another sshdial checks that the socket is live).  Run by a
 * user other than root, the harness covers only the refusal of every client. */
static void check_answer(const uint8_t *data, size_t size, const struct answer *a)
{
	struct hook_event ev;
	const char *why;
	if (geteuid() != 0) {
		/* Only root may send: every client is refused, unread (so that the refusal
		 * may be lost to a reset when the message was already queued). */
		if (a->len > 0 && strncmp(a->text, "error: ", 7) != 0)
			abort();
		return;
	}
	if (size == 0) {
		if (a->len != 0)
			abort();
		return;
	}
	if (a->len <= 0)
		abort();
	bool accept =
	    hook_event_parse((const char *)data, size, &ev, &why) && strcmp(ev.peer, "office") == 0;
	if (accept != (strcmp(a->text, "ok") == 0))
		abort();
	if (!accept && strncmp(a->text, "error: ", 7) != 0)
		abort();
}

static void on_stuck(void *arg)
{
	(void)arg;
	abort(); /* the control side neither answered nor hung up */
}

static void remove_dir(void)
{
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_LEVEL_DEBUG);
	dir = fuzz_tmpdir();
	/* A socket's path is short: fall back to /tmp when TMPDIR is deep. */
	if (dir && strlen(dir) + sizeof("/office.sock") > sizeof(path)) {
		rmdir(dir);
		setenv("TMPDIR", "/tmp", 1);
		dir = fuzz_tmpdir();
	}
	if (!dir)
		abort();
	snprintf(path, sizeof(path), "%s/office.sock", dir);
	atexit(remove_dir);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	loop = event_loop_new();
	struct control *ctl = loop ? control_open(loop, path, "office", on_hook, NULL) : NULL;
	if (!ctl)
		abort();
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	memcpy(sa.sun_path, path, sizeof(path));
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		abort();
	/* SOCK_SEQPACKET keeps the datagram whole, an empty one included. */
	if (send(fd, data, size, MSG_NOSIGNAL) != (ssize_t)size)
		abort();
	struct answer answer = {.len = -2};
	if (event_fd_add(loop, fd, EPOLLIN, on_answer, &answer) < 0 ||
	    event_timer_set(loop, 8000, on_stuck, &answer) < 0)
		abort();
	if (event_loop_run(loop) < 0)
		abort();
	event_timer_cancel_all(loop, &answer);
	event_fd_del(loop, fd);
	close(fd);
	control_close(ctl);
	event_loop_free(loop);
	check_answer(data, size, &answer);
	return 0;
}
