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
#include "lib/err.h"
#include "lib/log.h"
#include "lib/text.h"
#include "lib/xalloc.h"
#include "link/dial.h"
#include "ctl/rundir.h"
#include "link/exec_report.h"
#include "link/ssh_argv.h"

/* A master that does not listen yet is asked again this soon, without a word. */
#define NOT_READY_MS 300
/* A forward that failed is tried again after 1 s, 2 s, ... up to 30 s. */
#define RETRY_BASE_MS 1000
#define RETRY_CAP_MS 30000
/* ssh -O forward waits for the server's answer to a remote forward: not forever. */
#define CLIENT_TIMEOUT_MS 30000
/* How long the master's own words on a failed forward ("bind [...]: ...") are waited
 * for: they come on another pipe than its client's verdict. */
#define MASTER_WORDS_MS 300

enum fwd_state { FWD_IDLE, FWD_ASKING, FWD_UP, FWD_WAITING, FWD_REFUSED };

struct fwd {
	struct forwards *owner;
	const struct forward_spec *spec;
	enum fwd_state state;
	struct child *client;
	int err;                   /* the client's stderr, read when it ends */
	struct exec_report report; /* the client's, watched until it has executed */
	struct backoff backoff;
	bool probing;         /* the client is the check of a local forward's target (ssh -W) */
	bool prohibited;      /* the master said the server refused a channel during the check */
	bool check_due;       /* set up, its target not checked yet */
	char bind_error[200]; /* the master's "bind [ADDR]:PORT: ERROR" for its port */
	char refusal[200];    /* the client's "mux_client_forward: ... failed: WHY" line */
	unsigned retry_ms;    /* the pause before the next try, once the failure is told */
	bool telling;         /* failed: waiting for the master's words before telling */
	char reason[600];
	char text[600]; /* "forward local 1110 -> 127.0.0.1:110", for messages */
};

struct forwards {
	struct event_loop *loop;
	const struct peer *peer;
	forwards_ready_fn ready;
	void *arg;
	bool answered;        /* the master answered in this attempt */
	struct fwd *checking; /* the one target check running: one at a time, so that the
	                       * master's "open failed" line in between is that check's */
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
		exec_report_init(&f->report, -1);
		backoff_init(&f->backoff, RETRY_BASE_MS, RETRY_CAP_MS,
		             (uint32_t)ts.tv_nsec ^ (uint32_t)getpid() ^ (uint32_t)i);
		describe(f);
	}
	return fw;
}

static void fwd_reset(struct fwd *f)
{
	if (f->owner->checking == f)
		f->owner->checking = NULL;
	f->check_due = false;
	f->probing = false;
	f->telling = false;
	event_timer_cancel_all(f->owner->loop, f);
	child_free(f->client);
	f->client = NULL;
	exec_report_close(&f->report, f->owner->loop);
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
	if (rundir_ssh_prepare() < 0)
		return -1;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		log_error("%s: cannot create %s: %s", peer_name(p), dir, strerror(errno));
		return -1;
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    fchown(fd, pw->pw_uid, pw->pw_gid) < 0 || fchmod(fd, 0700) < 0) {
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
	return str_has_prefix(line, form);
}

/* "mux_client_forward: forwarding request failed: WHY" (mux.c): WHY is ssh's reason. */
static const char *forward_refusal(const char *line)
{
	static const char form[] = "forwarding request failed: ";
	const char *s = strstr(line, form);
	return s && strncmp(line, "mux_client_forward: ", 20) == 0 ? s + strlen(form) : NULL;
}

/* The client's last line, which is its verdict; the earlier ones go to the debug log. */
/* "channel N: open failed: administratively prohibited: ..." (channels.c): the server
 * refused the channel, which for a direct-tcpip one is its permitopen. */
static bool channel_prohibited(const char *line)
{
	static const char form[] = ": open failed: administratively prohibited";
	const char *s = line + strlen("channel ");
	size_t digits = strspn(s, "0123456789");
	return strncmp(line, "channel ", 8) == 0 && digits > 0 &&
	       strncmp(s + digits, form, strlen(form)) == 0;
}

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
		log_debug("%s: %s: ssh %s: %s", peer_name(f->owner->peer), f->text,
		          f->probing ? "-W" : "-O forward", line);
		snprintf(last, len, "%s", line);
		if (forward_refusal(line))
			snprintf(f->refusal, sizeof(f->refusal), "%s", forward_refusal(line));
	}
}

static void on_retry(void *arg)
{
	fwd_ask(arg);
}

static void fwd_spawn(struct fwd *f, struct strv *argv, bool probing);

static void on_failure_told(void *arg)
{
	struct fwd *f = arg;
	size_t used = strlen(f->reason);
	f->telling = false;
	if (f->bind_error[0])
		snprintf(f->reason + used, sizeof(f->reason) - used, ": %s", f->bind_error);
	log_warn("%s: %s: cannot be set up (%s); the connection stays up; trying this forward "
	         "again in %.1f s",
	         peer_name(f->owner->peer), f->text, f->reason, f->retry_ms / 1000.0);
	event_timer_set(f->owner->loop, f->retry_ms - MASTER_WORDS_MS, on_retry, f);
}

/* The next target check due, if none runs. */
static void check_next(struct forwards *fw)
{
	for (size_t i = 0; !fw->checking && i < fw->count; i++) {
		struct fwd *f = &fw->f[i];
		if (f->check_due && f->state == FWD_UP && !child_running(f->client)) {
			f->check_due = false;
			fw->checking = f;
			fwd_spawn(f, ssh_argv_probe(fw->peer, f->spec), true);
			if (!f->client)
				fw->checking = NULL;
		}
	}
}

/* ssh's "bind [ADDR]:PORT: REASON" (channels.c) when it cannot listen: the PORT. */
static unsigned bind_failed_port(const char *line)
{
	if (strncmp(line, "bind [", 6) != 0)
		return 0;
	const char *close = strstr(line, "]:");
	if (!close)
		return 0;
	char *end;
	unsigned long port = strtoul(close + 2, &end, 10);
	return strncmp(end, ": ", 2) == 0 && port <= 65535 ? (unsigned)port : 0;
}

void forwards_ssh_line(struct forwards *fw, const char *line)
{
	if (fw && fw->checking && channel_prohibited(line))
		fw->checking->prohibited = true;
	unsigned port = bind_failed_port(line);
	for (size_t i = 0; fw && port && i < fw->count; i++) {
		struct fwd *f = &fw->f[i];
		bool pending = f->state == FWD_ASKING || f->telling;
		if (pending && f->spec->kind != FORWARD_REMOTE && f->spec->port == port)
			snprintf(f->bind_error, sizeof(f->bind_error), "%s", line);
	}
}

/* A local forward's target checked once through the connection, as a connection to the
 * forward would reach it: a server that refuses it (permitopen) is found out now, and
 * named, rather than by whoever uses the forward. */
static void on_probe_exit(struct fwd *f, int wstatus, const char *last)
{
	const char *name = peer_name(f->owner->peer);
	if (f->prohibited) {
		f->state = FWD_REFUSED;
		snprintf(f->reason, sizeof(f->reason),
		         "the server refuses connections to %.200s:%u (ssh: '%.200s')",
		         f->spec->host, f->spec->host_port, last);
		log_warn("%s: %s: the server refuses its target %s:%u (its authorized_keys "
		         "permitopen; ssh said '%s'); connections through this forward will fail: "
		         "give the key --permit-open %s:%u",
		         name, f->text, f->spec->host, f->spec->host_port, last, f->spec->host,
		         f->spec->host_port);
	} else if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
		log_warn("%s: %s: set up, but its target does not answer from the server now "
		         "(ssh: '%s')",
		         name, f->text, last);
	} else {
		log_debug("%s: %s: its target answers through the server", name, f->text);
	}
}

/* The client did not execute: said as a failed start always was, and tried again later
 * (a check of a target simply ends). */
static void exec_failed_client(struct fwd *f)
{
	struct forwards *fw = f->owner;
	log_error("%s: %s: cannot start ssh: %s", peer_name(fw->peer), f->text, f->report.text);
	event_timer_cancel_all(fw->loop, f);
	if (f->err >= 0)
		close(f->err);
	f->err = -1;
	if (f->probing) {
		f->probing = false;
		if (fw->checking == f)
			fw->checking = NULL;
		check_next(fw);
		return;
	}
	snprintf(f->reason, sizeof(f->reason), "cannot start ssh: %s", f->report.text);
	f->state = FWD_WAITING;
	event_timer_set(fw->loop, RETRY_CAP_MS, on_retry, f);
}

static void on_client_report(void *arg, int fd, uint32_t events)
{
	(void)fd;
	(void)events;
	struct fwd *f = arg;
	/* Read as it comes; a failure's verdict waits for the client's end. */
	exec_report_read(&f->report, f->owner->loop);
}

static void on_client_exit(void *arg, const struct child *c, int wstatus)
{
	(void)c;
	struct fwd *f = arg;
	struct forwards *fw = f->owner;
	const char *name = peer_name(fw->peer);
	char last[400];
	/* A client that could not execute has said why before it ended (its write end is
	 * closed now: this read does not wait). */
	if (exec_report_read(&f->report, fw->loop) < 0) {
		exec_failed_client(f);
		return;
	}
	read_verdict(f, last, sizeof(last));
	event_timer_cancel_all(fw->loop, f);
	if (f->err >= 0)
		close(f->err);
	f->err = -1;
	bool not_ready = master_not_listening(fw, last);
	if (f->probing) {
		f->probing = false;
		on_probe_exit(f, wstatus, last);
		if (fw->checking == f)
			fw->checking = NULL;
		check_next(fw);
		return;
	}
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
		f->state = FWD_UP;
		f->reason[0] = 0;
		backoff_reset(&f->backoff);
		log_info("%s: %s: set up", name, f->text);
		f->check_due = f->spec->kind == FORWARD_LOCAL;
	} else if (not_ready) {
		f->state = FWD_WAITING;
		event_timer_set(fw->loop, NOT_READY_MS, on_retry, f);
	} else {
		char how[64];
		child_describe(wstatus, how, sizeof(how));
		if (f->refusal[0])
			snprintf(f->reason, sizeof(f->reason), "ssh says: %s", f->refusal);
		else if (last[0])
			snprintf(f->reason, sizeof(f->reason), "ssh -O forward %s: %s", how, last);
		else
			snprintf(f->reason, sizeof(f->reason), "ssh -O forward %s", how);
		f->retry_ms = backoff_next(&f->backoff);
		if (f->retry_ms < RETRY_BASE_MS)
			f->retry_ms = RETRY_BASE_MS;
		f->state = FWD_WAITING;
		/* The master says why on its own stderr, which may come a little later. */
		f->telling = true;
		event_timer_set(fw->loop, MASTER_WORDS_MS, on_failure_told, f);
	}
	/* Only the master's own answer proves that it is there: the forward set up, or the
	 * refusal it passed on from the server.  Any other failure of the client (a
	 * verdict ssh did not print, LogLevel QUIET in the local user's config) says
	 * nothing about the connection, which stays not up until the master answers or
	 * ssh ends the attempt with its reason. */
	bool master_answered = WIFEXITED(wstatus) && (WEXITSTATUS(wstatus) == 0 || f->refusal[0]);
	if (master_answered && !fw->answered) {
		fw->answered = true;
		fw->ready(fw->arg);
	}
	check_next(fw);
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
	fwd_spawn(f, ssh_argv_forward(f->owner->peer, f->spec), false);
}

/* Runs one ssh client of the forward's: -O forward, or the -W check of its target. */
static void fwd_spawn(struct fwd *f, struct strv *argv, bool probing)
{
	struct forwards *fw = f->owner;
	child_free(f->client);
	f->client = NULL;
	f->probing = probing;
	f->prohibited = false;
	f->bind_error[0] = 0;
	f->refusal[0] = 0;
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0) {
		strv_free(argv);
		log_error("%s: %s: cannot create a pipe: %s", peer_name(fw->peer), f->text,
		          strerror(errno));
		if (!probing)
			event_timer_set(fw->loop, RETRY_CAP_MS, on_retry, f);
		return;
	}
	struct err why;
	int report = -1;
	pid_t pid = dial_spawn_ssh_client(fw->peer, argv, pipefd[1], &report, &why);
	close(pipefd[1]);
	exec_report_close(&f->report, fw->loop);
	exec_report_init(&f->report, report);
	if (pid >= 0)
		f->client = child_watch(fw->loop, pid, probing ? "ssh -W" : "ssh -O forward",
		                        on_client_exit, f);
	if (f->client && exec_report_watch(&f->report, fw->loop, on_client_report, f) < 0)
		log_debug("%s: %s: its exec report is read when it ends", peer_name(fw->peer),
		          f->text);
	if (!f->client) {
		exec_report_close(&f->report, fw->loop);
		close(pipefd[0]);
		if (pid < 0) {
			char text[ERR_LINE_MAX];
			log_error("%s: %s: cannot start ssh: %s", peer_name(fw->peer), f->text,
			          err_format(&why, text, sizeof(text)));
		}
		if (!probing)
			event_timer_set(fw->loop, RETRY_CAP_MS, on_retry, f);
		return;
	}
	f->err = pipefd[0];
	if (!probing)
		f->state = FWD_ASKING;
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

size_t forwards_count(const struct forwards *fw)
{
	return fw ? fw->count : 0;
}

void forwards_get(const struct forwards *fw, size_t i, struct forward_status *out)
{
	const struct fwd *f = &fw->f[i];
	out->text = f->text;
	out->state = f->state == FWD_UP        ? "up"
	             : f->state == FWD_REFUSED ? "target refused"
	                                       : "down";
	out->reason = f->state == FWD_UP ? "" : (f->reason[0] ? f->reason : "not set up yet");
}

void forwards_log_status(const struct forwards *fw)
{
	for (size_t i = 0; fw && i < fw->count; i++) {
		const struct fwd *f = &fw->f[i];
		log_info("%s: status: %s: %s%s", peer_name(fw->peer), f->text,
		         f->state == FWD_UP        ? "up"
		         : f->state == FWD_REFUSED ? "up, but "
		                                   : "down: ",
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
