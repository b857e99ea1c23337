#include "link/forward.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf/forward_spec.h"
#include "lib/backoff.h"
#include "lib/child.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "link/dial.h"
#include "link/ssh_argv.h"

/* A master that does not listen yet is asked again this soon, without a word. */
#define NOT_READY_MS 300
/* A forward that failed is tried again after 1 s, 2 s, ... up to 30 s. */
#define RETRY_BASE_MS 1000
#define RETRY_CAP_MS 30000
/* ssh -O forward waits for the server's answer to a remote forward: not forever. */
#define CLIENT_TIMEOUT_MS 30000

enum fwd_state { FWD_IDLE, FWD_ASKING, FWD_UP, FWD_WAITING };

struct fwd {
	struct forwards *owner;
	const struct forward_spec *spec;
	enum fwd_state state;
	struct child *client;
	int err; /* the client's stderr, read when it ends */
	struct backoff backoff;
	char reason[300];
	char text[600]; /* "forward local 1110 -> 127.0.0.1:110", for messages */
};

struct forwards {
	struct event_loop *loop;
	const struct peer *peer;
	forwards_ready_fn ready;
	void *arg;
	bool answered; /* the master answered in this attempt */
	size_t count;
	struct fwd *f;
};

static void fwd_ask(struct fwd *f);

static void describe(struct fwd *f)
{
	const struct forward_spec *s = f->spec;
	char listen[200];
	if (s->socket[0])
		snprintf(listen, sizeof(listen), "%s", s->socket);
	else if (s->bind[0])
		snprintf(listen, sizeof(listen), "%s:%u", s->bind, s->port);
	else
		snprintf(listen, sizeof(listen), "%u", s->port);
	if (s->kind == FORWARD_SOCKS)
		snprintf(f->text, sizeof(f->text), "forward socks %s", listen);
	else
		snprintf(f->text, sizeof(f->text), "forward %s %s -> %s:%u",
		         forward_kind_name(s->kind), listen, s->host, s->host_port);
}

struct forwards *forwards_new(struct event_loop *loop, const struct peer *peer,
                              forwards_ready_fn ready, void *arg)
{
	struct forwards *fw = xcalloc(1, sizeof(*fw));
	*fw = (struct forwards){.loop = loop, .peer = peer, .ready = ready, .arg = arg};
	fw->count = peer_forward_count(peer);
	fw->f = xcalloc(fw->count ? fw->count : 1, sizeof(*fw->f));
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	for (size_t i = 0; i < fw->count; i++) {
		struct fwd *f = &fw->f[i];
		*f = (struct fwd){.owner = fw, .spec = peer_forward(peer, i), .err = -1};
		backoff_init(&f->backoff, RETRY_BASE_MS, RETRY_CAP_MS,
		             (uint32_t)ts.tv_nsec ^ (uint32_t)getpid() ^ (uint32_t)i);
		describe(f);
	}
	return fw;
}

static void fwd_reset(struct fwd *f)
{
	event_timer_cancel_all(f->owner->loop, f);
	child_free(f->client);
	f->client = NULL;
	if (f->err >= 0)
		close(f->err);
	f->err = -1;
	f->state = FWD_IDLE;
}

/* The socket's directory is root's to create and the local user's to use: ssh (as that
 * user) makes the socket in it, and no one else may reach the connection through it. */
int forwards_prepare(struct forwards *fw)
{
	if (fw->count == 0)
		return 0;
	const struct peer *p = fw->peer;
	char dir[256];
	ssh_control_dir(p, dir, sizeof(dir));
	struct passwd *pw = getpwnam(peer_local_user(p));
	if (!pw) {
		log_error("%s: local-user '%s' does not exist on this system (%s)", peer_name(p),
		          peer_local_user(p), peer_file(p));
		return -1;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		log_error("%s: cannot create %s: %s", peer_name(p), dir, strerror(errno));
		return -1;
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || fchown(fd, pw->pw_uid, pw->pw_gid) < 0 ||
	    fchmod(fd, 0700) < 0) {
		log_error("%s: cannot prepare %s for the local user: %s; remove it", peer_name(p),
		          dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* A socket left by an ssh that was killed would make the new master fail. */
	if (unlinkat(fd, "ctl", 0) < 0 && errno != ENOENT)
		log_warn("%s: cannot remove %s/ctl: %s", peer_name(p), dir, strerror(errno));
	close(fd);
	return 0;
}

/* ssh's mux client when nothing listens on the socket yet: "Control socket
 * connect(PATH): REASON" (mux.c), the path ours. */
static bool master_not_listening(const struct forwards *fw, const char *line)
{
	char path[256], form[300];
	ssh_control_path(fw->peer, path, sizeof(path));
	snprintf(form, sizeof(form), "Control socket connect(%s): ", path);
	return strncmp(line, form, strlen(form)) == 0;
}

/* The client's last line, which is its verdict; the earlier ones go to the debug log. */
static void read_verdict(struct fwd *f, char *last, size_t len)
{
	char buf[2048];
	size_t used = 0;
	ssize_t n;
	last[0] = 0;
	while (f->err >= 0 && used < sizeof(buf) - 1 &&
	       (n = read(f->err, buf + used, sizeof(buf) - 1 - used)) > 0)
		used += (size_t)n;
	buf[used] = 0;
	for (char *line = strtok(buf, "\r\n"); line; line = strtok(NULL, "\r\n")) {
		log_debug("%s: %s: ssh -O forward: %s", peer_name(f->owner->peer), f->text, line);
		snprintf(last, len, "%s", line);
	}
}

/* "mux_client_forward: forwarding request failed: WHY" (mux.c): WHY is ssh's reason. */
static const char *forward_refusal(const char *line)
{
	static const char form[] = "forwarding request failed: ";
	const char *s = strstr(line, form);
	return s && strncmp(line, "mux_client_forward: ", 20) == 0 ? s + strlen(form) : NULL;
}

static void on_retry(void *arg)
{
	fwd_ask(arg);
}

static void on_client_exit(void *arg, const struct child *c, int wstatus)
{
	(void)c;
	struct fwd *f = arg;
	struct forwards *fw = f->owner;
	const char *name = peer_name(fw->peer);
	char last[400];
	read_verdict(f, last, sizeof(last));
	event_timer_cancel_all(fw->loop, f);
	if (f->err >= 0)
		close(f->err);
	f->err = -1;
	bool not_ready = master_not_listening(fw, last);
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
		f->state = FWD_UP;
		f->reason[0] = 0;
		backoff_reset(&f->backoff);
		log_info("%s: %s: set up", name, f->text);
	} else if (not_ready) {
		f->state = FWD_WAITING;
		event_timer_set(fw->loop, NOT_READY_MS, on_retry, f);
	} else {
		const char *why = forward_refusal(last);
		char how[64];
		child_describe(wstatus, how, sizeof(how));
		if (why)
			snprintf(f->reason, sizeof(f->reason), "ssh says: %s", why);
		else if (last[0])
			snprintf(f->reason, sizeof(f->reason), "ssh -O forward %s: %s", how, last);
		else
			snprintf(f->reason, sizeof(f->reason), "ssh -O forward %s", how);
		unsigned delay = backoff_next(&f->backoff);
		if (delay < RETRY_BASE_MS)
			delay = RETRY_BASE_MS;
		f->state = FWD_WAITING;
		log_warn("%s: %s: cannot be set up (%s); the connection stays up; trying this "
		         "forward again in %.1f s",
		         name, f->text, f->reason, delay / 1000.0);
		event_timer_set(fw->loop, delay, on_retry, f);
	}
	if (!not_ready && !fw->answered) {
		fw->answered = true;
		fw->ready(fw->arg);
	}
}

static void on_client_timeout(void *arg)
{
	struct fwd *f = arg;
	log_warn("%s: %s: ssh -O forward did not answer in %d s; stopping it",
	         peer_name(f->owner->peer), f->text, CLIENT_TIMEOUT_MS / 1000);
	child_signal(f->client, SIGKILL);
}

static void fwd_ask(struct fwd *f)
{
	struct forwards *fw = f->owner;
	child_free(f->client);
	f->client = NULL;
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0) {
		log_error("%s: %s: cannot create a pipe: %s", peer_name(fw->peer), f->text,
		          strerror(errno));
		event_timer_set(fw->loop, RETRY_CAP_MS, on_retry, f);
		return;
	}
	char why[256];
	pid_t pid = dial_spawn_ssh_client(fw->peer, ssh_argv_forward(fw->peer, f->spec), pipefd[1],
	                                  why, sizeof(why));
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		log_error("%s: %s: cannot start ssh -O forward: %s", peer_name(fw->peer), f->text,
		          why);
		event_timer_set(fw->loop, RETRY_CAP_MS, on_retry, f);
		return;
	}
	f->err = pipefd[0];
	f->state = FWD_ASKING;
	f->client = child_watch(fw->loop, pid, "ssh -O forward", on_client_exit, f);
	event_timer_set(fw->loop, CLIENT_TIMEOUT_MS, on_client_timeout, f);
}

void forwards_start(struct forwards *fw)
{
	fw->answered = false;
	for (size_t i = 0; i < fw->count; i++) {
		fwd_reset(&fw->f[i]);
		backoff_reset(&fw->f[i].backoff);
		fwd_ask(&fw->f[i]);
	}
}

void forwards_stop(struct forwards *fw)
{
	if (!fw)
		return;
	for (size_t i = 0; i < fw->count; i++) {
		fwd_reset(&fw->f[i]);
		if (!fw->f[i].reason[0])
			snprintf(fw->f[i].reason, sizeof(fw->f[i].reason),
			         "the connection is down");
	}
	fw->answered = false;
}

size_t forwards_up(const struct forwards *fw)
{
	size_t n = 0;
	for (size_t i = 0; fw && i < fw->count; i++)
		n += fw->f[i].state == FWD_UP;
	return n;
}

void forwards_log_status(const struct forwards *fw)
{
	for (size_t i = 0; fw && i < fw->count; i++) {
		const struct fwd *f = &fw->f[i];
		log_info("%s: status: %s: %s%s", peer_name(fw->peer), f->text,
		         f->state == FWD_UP ? "up" : "down: ",
		         f->state == FWD_UP ? "" : (f->reason[0] ? f->reason : "not set up yet"));
	}
}

void forwards_free(struct forwards *fw)
{
	if (!fw)
		return;
	forwards_stop(fw);
	if (fw->count) {
		char dir[256];
		ssh_control_dir(fw->peer, dir, sizeof(dir));
		char path[300];
		snprintf(path, sizeof(path), "%s/ctl", dir);
		unlink(path);
		rmdir(dir);
	}
	free(fw->f);
	free(fw);
}
