/* The link's state machine (link.c, link_hook.c) through its dial driver seam
 * (link/dial_driver.h): a fake driver stands in for ssh and pppd, and the test plays their
 * part (lines, exits, ip-up and ip-down from "pppd's" child), so that the states, the
 * transitions, the hang-up order and the backoff are seen without a network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/config.h"
#include "ctl/hook_event.h"
#include "lib/diag.h"
#include "lib/err.h"
#include "lib/event.h"
#include "lib/log.h"
#include "link/dial_driver.h"
#include "link/link.h"
#include "netconf/netconf.h"
#include "fake_dial.h"
#include "tmpdir.h"

/* One of the attempt's processes ends with wstatus (the last one ends the attempt, and
 * the link frees the dial). */
static void fk_exit(enum dial_proc which, int wstatus)
{
	struct fake_dial *d = fk.cur;
	assert_non_null(d);
	assert_true(d->running[which]);
	d->running[which] = false;
	d->ops->exited(d->arg, which, wstatus);
}

static void fk_line(enum dial_proc from, const char *line)
{
	assert_non_null(fk.cur);
	fk.cur->ops->line(fk.cur->arg, from, line);
}

#define EXITED(code) ((code) << 8)
#define KILLED(sig) (sig)

/* --- the world around the link --------------------------------------------------------- */

struct world {
	struct event_loop *loop;
	struct peer *peer;
	struct netconf *nc;
	struct link *link;
	char *dir;
	FILE *log;
	unsigned done_calls;
	enum failure_class done_as;
	struct err done_err; /* the failure done was told of; not set after a stop */
};

static void on_done(void *arg, const struct link_failure *f)
{
	struct world *w = arg;
	w->done_calls++;
	w->done_as = f ? f->cls : FAILURE_NONE;
	if (f)
		w->done_err = f->err;
	else
		err_clear(&w->done_err);
}

/* The link tells the test of its states while run_until waits (until_loop), and asks the
 * gate, open unless a test closes it. */
static void until_observer(void *arg, enum link_state s);
static bool gate(void *arg);
static bool gate_open;
static const struct link_ops world_link_ops = {
    .done = on_done, .state_changed = until_observer, .may_dial = gate};

static struct peer *peer_from(const char *const *lines)
{
	struct diag *d = diag_new();
	struct config_reader *r = config_read_init("office", "office", d);
	for (unsigned i = 0; lines[i]; i++)
		config_read_line(r, lines[i], i + 1);
	struct peer *p = config_read_finish(r);
	if (!p)
		diag_print(d, stderr);
	diag_free(d);
	assert_non_null(p);
	return p;
}

static struct world *world_new(const char *const *lines)
{
	struct world *w = calloc(1, sizeof(*w));
	assert_non_null(w);
	memset(&fk, 0, sizeof(fk));
	gate_open = true;
	link_set_dial_driver(&fake);
	w->dir = tmpdir_new();
	char path[256];
	snprintf(path, sizeof(path), "%s/log", w->dir);
	w->log = fopen(path, "w+");
	assert_non_null(w->log);
	log_set_level(LOG_LEVEL_DEBUG);
	log_also_to_fd(fileno(w->log));
	w->loop = event_loop_new();
	w->peer = peer_from(lines);
	snprintf(path, sizeof(path), "%s/journal", w->dir);
	w->nc = netconf_open("office", path);
	assert_non_null(w->nc);
	w->link = link_new(w->loop, w->peer, w->nc, &world_link_ops, w);
	assert_non_null(w->link);
	return w;
}

static void world_free(struct world *w)
{
	link_free(w->link);
	netconf_close(w->nc);
	peer_free(w->peer);
	event_loop_free(w->loop);
	log_also_to_fd(-1);
	fclose(w->log);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", w->dir);
	assert_int_equal(system(cmd), 0);
	free(w->dir);
	free(w);
	link_set_dial_driver(NULL);
}

/* Loopback servers on port 1, where nothing listens: the link's knock on the server's
 * port after a failure (link_reach.c) is refused and never leaves the machine. */
static const char *const one_server[] = {"host 127.0.0.1", "port 1", "ssh-user pppuser",
                                         "local-user nobody", NULL};
static const char *const two_servers[] = {"host 127.0.0.1",   "host 127.0.0.2",    "port 1",
                                          "ssh-user pppuser", "local-user nobody", NULL};

static void on_run_over(void *arg)
{
	event_loop_exit(arg, 0);
}

/* Runs the loop for ms (timers due by then fire). */
static void run_for(struct world *w, unsigned ms)
{
	event_timer_set(w->loop, ms, on_run_over, w->loop);
	assert_int_equal(event_loop_run(w->loop), 0);
}

static bool until_state_fn_hit;
static enum link_state until_state_want;
static struct event_loop *until_loop;
static void until_observer(void *arg, enum link_state s)
{
	(void)arg;
	if (s == until_state_want && until_loop) {
		until_state_fn_hit = true;
		event_loop_exit(until_loop, 0);
	}
}

/* Runs the loop until the link is in state s, at most ms; the time it took in ms. */
static unsigned run_until(struct world *w, enum link_state s, unsigned ms)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (link_state(w->link) != s) {
		until_state_fn_hit = false;
		until_state_want = s;
		until_loop = w->loop;
		event_timer_set(w->loop, ms, on_run_over, w->loop);
		assert_int_equal(event_loop_run(w->loop), 0);
		event_timer_cancel(w->loop, on_run_over, w->loop);
		until_loop = NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_string_equal(link_state_name(link_state(w->link)), link_state_name(s));
	return (unsigned)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
}

/* "pppd's" ip-up or ip-down hook; the link's answer (0 accepted). */
static int hook(struct world *w, enum hook_kind kind, pid_t sender, struct err *e)
{
	struct hook_event ev = {.kind = kind};
	snprintf(ev.peer, sizeof(ev.peer), "office");
	snprintf(ev.ifname, sizeof(ev.ifname), "ppp97"); /* none such: no probe starts */
	snprintf(ev.local, sizeof(ev.local), "192.168.77.2");
	snprintf(ev.remote, sizeof(ev.remote), "192.168.77.1");
	return link_hook_event(w->link, &ev, sender, e);
}

static void ip_up(struct world *w)
{
	struct err e;
	err_clear(&e);
	assert_int_equal(hook(w, HOOK_IP_UP, getpid(), &e), 0);
	assert_int_equal(link_state(w->link), LINK_UP);
}

/* The log so far, as one string (static). */
/* The link's last failure, as status reads it: its what. */
static const char *last_failure(const struct world *w)
{
	struct link_info info;
	link_get_info(w->link, &info);
	return info.last_failure ? info.last_failure->err.what : "";
}

static const char *log_text(struct world *w)
{
	static char buf[65536];
	fflush(w->log);
	size_t n = (size_t)pread(fileno(w->log), buf, sizeof(buf) - 1, 0);
	buf[n < sizeof(buf) ? n : 0] = 0;
	return buf;
}

/* The delay of the newest "dialing again in X s" line, in ms; 0 for "dialing again now". */
static unsigned last_redial_delay_ms(struct world *w)
{
	const char *t = log_text(w), *p, *last = NULL;
	for (p = t; (p = strstr(p, "; dialing again ")); p++)
		last = p;
	assert_non_null(last);
	last += strlen("; dialing again ");
	if (strncmp(last, "now", 3) == 0)
		return 0;
	double s = 0;
	assert_int_equal(sscanf(last, "in %lf s", &s), 1);
	return (unsigned)(s * 1000 + 0.5);
}

/* --- the states ------------------------------------------------------------------------ */

/* Every state has its own name: status shows it (a queued link printed "(null)"). */
static void every_state_has_a_name(void **state)
{
	(void)state;
	for (int s = 0; s < LINK_STATE_COUNT; s++) {
		const char *name = link_state_name((enum link_state)s);
		assert_non_null(name);
		assert_string_not_equal(name, "unknown");
		for (int o = 0; o < s; o++)
			assert_string_not_equal(name, link_state_name((enum link_state)o));
	}
	assert_string_equal(link_state_name(LINK_QUEUED), "queued");
}

static bool gate(void *arg)
{
	(void)arg;
	return gate_open;
}

/* The daemon's --max-dialing gate holds the link queued, and status names the state. */
static void a_closed_gate_queues_the_link(void **state)
{
	(void)state;
	struct world *w = world_new(one_server);
	gate_open = false;
	link_start(w->link);
	assert_int_equal(link_state(w->link), LINK_QUEUED);
	assert_int_equal(fk.starts, 0);
	struct link_info info;
	link_get_info(w->link, &info);
	assert_string_equal(link_state_name(info.state), "queued");
	gate_open = true;
	link_dial_now(w->link);
	assert_int_equal(link_state(w->link), LINK_DIALING);
	assert_int_equal(fk.starts, 1);
	/* the attempt fails; the redial waits for the gate again, and `down` while queued
	 * stops the link at once, with nothing to hang up */
	gate_open = false;
	fk_exit(DIAL_PPPD, EXITED(16));
	fk_exit(DIAL_SSH, EXITED(255));
	run_until(w, LINK_QUEUED, 5000);
	link_stop(w->link);
	assert_int_equal(link_state(w->link), LINK_STOPPED);
	assert_int_equal(w->done_calls, 1);
	assert_int_equal(w->done_as, FAILURE_NONE);
	world_free(w);
}

/* dialing -> up on ip-up -> closing on ip-down -> backoff when both ended -> dialing. */
static void up_then_down_then_dial_again(void **state)
{
	(void)state;
	struct world *w = world_new(one_server);
	link_start(w->link);
	assert_int_equal(link_state(w->link), LINK_DIALING);
	assert_int_equal(fk.starts, 1);
	ip_up(w);
	assert_non_null(strstr(log_text(w), "office: up after "));

	struct err e;
	err_clear(&e);
	assert_int_equal(hook(w, HOOK_IP_DOWN, getpid(), &e), 0);
	assert_int_equal(link_state(w->link), LINK_CLOSING);
	fk_exit(DIAL_PPPD, EXITED(16)); /* the hangup: ssh gets its grace */
	assert_int_equal(link_state(w->link), LINK_CLOSING);
	fk_exit(DIAL_SSH, EXITED(255));
	assert_int_equal(link_state(w->link), LINK_BACKOFF);
	/* The first failure redials at once (the backoff's first step is 0). */
	assert_int_equal(last_redial_delay_ms(w), 0);
	run_until(w, LINK_DIALING, 2000);
	assert_int_equal(fk.starts, 2);
	link_stop(w->link);
	fk_exit(DIAL_PPPD, KILLED(SIGTERM));
	fk_exit(DIAL_SSH, KILLED(SIGTERM));
	assert_int_equal(link_state(w->link), LINK_STOPPED);
	assert_int_equal(w->done_calls, 1);
	world_free(w);
}

/* Hook events that are not this attempt's pppd's, or come at the wrong time, are refused
 * and change nothing. */
static void stray_hook_events_are_refused(void **state)
{
	(void)state;
	struct world *w = world_new(one_server);
	link_start(w->link);
	struct err e;
	err_clear(&e);
	/* not a child of "pppd" (the test's parent) */
	assert_int_equal(hook(w, HOOK_IP_UP, getppid(), &e), -1);
	assert_string_equal(e.what, "not from this link's pppd");
	assert_int_equal(link_state(w->link), LINK_DIALING);
	ip_up(w);
	/* a second ip-up while up */
	assert_int_equal(hook(w, HOOK_IP_UP, getpid(), &e), -1);
	assert_string_equal(e.what, "ip-up while up");
	assert_int_equal(link_state(w->link), LINK_UP);
	link_stop(w->link);
	fk_exit(DIAL_PPPD, KILLED(SIGTERM));
	fk_exit(DIAL_SSH, KILLED(SIGTERM));
	world_free(w);
}

/* `down` during a dial: pppd is told first (SIGTERM), the link is closing until both
 * ended, then stopped, and it does not dial again. */
static void down_during_a_dial(void **state)
{
	(void)state;
	struct world *w = world_new(one_server);
	link_start(w->link);
	struct fake_dial *d = fk.cur;
	link_stop(w->link);
	assert_int_equal(link_state(w->link), LINK_CLOSING);
	assert_int_equal(d->signo[DIAL_PPPD], SIGTERM);
	assert_int_equal(d->signo[DIAL_SSH], 0);
	fk_exit(DIAL_PPPD, KILLED(SIGTERM));
	fk_exit(DIAL_SSH, EXITED(255));
	assert_int_equal(link_state(w->link), LINK_STOPPED);
	assert_int_equal(w->done_calls, 1);
	assert_int_equal(w->done_as, FAILURE_NONE);
	run_for(w, 300);
	assert_int_equal(fk.starts, 1);
	world_free(w);
}

/* A permanent failure (a host key ssh refused) ends the link: failed, no redial. */
static void a_permanent_failure_ends_the_link(void **state)
{
	(void)state;
	struct world *w = world_new(one_server);
	link_start(w->link);
	fk_line(DIAL_SSH, "Host key verification failed.");
	fk_exit(DIAL_SSH, EXITED(255));
	fk_exit(DIAL_PPPD, EXITED(16));
	assert_int_equal(link_state(w->link), LINK_FAILED);
	assert_int_equal(w->done_calls, 1);
	assert_int_equal(w->done_as, FAILURE_PERMANENT);
	/* The failure reaches the owner as a value, the same that status reads, with its class. */
	struct link_info info;
	link_get_info(w->link, &info);
	assert_non_null(info.last_failure);
	assert_int_equal(info.last_failure->cls, FAILURE_PERMANENT);
	assert_true(info.last_failure->at > 0);
	assert_string_equal(w->done_err.where, peer_name(w->peer));
	assert_string_equal(w->done_err.what, info.last_failure->err.what);
	assert_non_null(strstr(w->done_err.what, "host key"));
	run_for(w, 300);
	assert_int_equal(fk.starts, 1);
	world_free(w);
}

/* The failure's fix travels apart from what happened: the last failure's what is the
 * verdict alone, its fix what to do (status --json's last_failure_fix), and the log reads
 * them as one line, as before the fix had a field of its own. */
static void a_permanent_failure_keeps_its_fix_apart(void **state)
{
	(void)state;
	static const char *const lines[] = {"host 127.0.0.1",
	                                    "port 1",
	                                    "ssh-user pppuser",
	                                    "local-user nobody",
	                                    "known-hosts /etc/sshdial/known_hosts",
	                                    NULL};
	struct world *w = world_new(lines);
	link_start(w->link);
	fk_line(DIAL_SSH, "No ED25519 host key is known for 127.0.0.1 and you have requested "
	                  "strict checking.");
	fk_line(DIAL_SSH, "Host key verification failed.");
	fk_exit(DIAL_SSH, EXITED(255));
	fk_exit(DIAL_PPPD, EXITED(16));
	assert_int_equal(link_state(w->link), LINK_FAILED);
	struct link_info info;
	link_get_info(w->link, &info);
	assert_non_null(info.last_failure);
	const struct err *e = &info.last_failure->err;
	assert_string_equal(e->what, "host key verification failed for '127.0.0.1': its key is "
	                             "not in the known hosts");
	assert_string_equal(e->fix,
	                    "check the server's key and add it to /etc/sshdial/known_hosts");
	assert_string_equal(w->done_err.fix, e->fix);
	assert_non_null(strstr(log_text(w), "office: host key verification failed for '127.0.0.1': "
	                                    "its key is not in the known hosts; check the server's "
	                                    "key and add it to /etc/sshdial/known_hosts\n"));
	world_free(w);
}

/* transport frames: a server that answered with something else than the frame transport
 * (a classic pppd) is told apart from what to do about it, writing 'transport pty'. */
static void a_server_without_frames_says_what_to_write(void **state)
{
	(void)state;
	static const char *const lines[] = {"host 127.0.0.1",   "port 1",
	                                    "ssh-user pppuser", "local-user nobody",
	                                    "transport frames", NULL};
	struct world *w = world_new(lines);
	fk.frames = true;
	link_start(w->link);
	struct err e;
	err_set(&e, "office", "check that both ends run sshdial with the same frame transport",
	        "the server's first bytes are not the frame transport's greeting");
	fk.cur->ops->relay_ended(fk.cur->arg, &e, false);
	fk_exit(DIAL_PPPD, EXITED(5));
	fk_exit(DIAL_SSH, KILLED(SIGTERM));
	assert_int_equal(link_state(w->link), LINK_FAILED);
	assert_int_equal(w->done_as, FAILURE_PERMANENT);
	assert_string_equal(w->done_err.what, "the server's first bytes are not the frame "
	                                      "transport's greeting");
	assert_string_equal(w->done_err.fix, "if the server runs pppd rather than 'sshdial "
	                                     "serve', write 'transport pty' in office");
	world_free(w);
}

/* The attempt cannot be started (pppd missing): failed with the system's class. */
static void a_dial_that_cannot_start_fails(void **state)
{
	(void)state;
	struct world *w = world_new(one_server);
	fk.start_fails = FAILURE_SYSTEM;
	link_start(w->link);
	assert_int_equal(link_state(w->link), LINK_FAILED);
	assert_int_equal(w->done_calls, 1);
	assert_int_equal(w->done_as, FAILURE_SYSTEM);
	assert_string_equal(w->done_err.where, peer_name(w->peer));
	assert_string_equal(w->done_err.what, "cannot start the attempt");
	assert_string_equal(w->done_err.fix, "see the messages above");
	world_free(w);
}

/* --- the backoff ----------------------------------------------------------------------- */

/* Two servers: a failure moves to the other at once; once every server has failed in a
 * row, the backoff paces the next round: at once after the first round (its first step),
 * then 1 s and 2 s (each within its jitter of +-25 %). */
static void every_server_failed_then_back_off(void **state)
{
	(void)state;
	struct world *w = world_new(two_servers);
	link_start(w->link);
	const unsigned lo[] = {0, 750, 1500}, hi[] = {0, 1250, 2500};
	for (unsigned round = 0; round < 3; round++) {
		/* the first server of the round fails: the other is dialed now */
		fk_exit(DIAL_SSH, EXITED(255));
		fk_exit(DIAL_PPPD, EXITED(16));
		assert_int_equal(last_redial_delay_ms(w), 0);
		run_until(w, LINK_DIALING, 2000);
		assert_int_not_equal(fk.servers[fk.starts - 1], fk.servers[fk.starts - 2]);
		/* the second fails too: every server failed, back off */
		fk_exit(DIAL_SSH, EXITED(255));
		fk_exit(DIAL_PPPD, EXITED(16));
		assert_int_equal(link_state(w->link), LINK_BACKOFF);
		unsigned delay = last_redial_delay_ms(w);
		assert_in_range(delay, lo[round], hi[round]);
		if (round < 2) {
			unsigned took = run_until(w, LINK_DIALING, delay + 5000);
			assert_true(took + 100 >= delay); /* not before the backoff is over */
		}
	}
	assert_int_equal(fk.starts, 6);
	link_stop(w->link);
	assert_int_equal(link_state(w->link), LINK_STOPPED);
	world_free(w);
}

/* A link that came up starts its count of failures afresh: its first failure after ip-up
 * redials the next server at once, rather than continuing the backoff. */
static void a_link_that_came_up_counts_afresh(void **state)
{
	(void)state;
	struct world *w = world_new(two_servers);
	link_start(w->link);
	fk_exit(DIAL_SSH, EXITED(255));
	fk_exit(DIAL_PPPD, EXITED(16));
	run_until(w, LINK_DIALING, 2000);
	ip_up(w);
	struct err e;
	err_clear(&e);
	assert_int_equal(hook(w, HOOK_IP_DOWN, getpid(), &e), 0);
	fk_exit(DIAL_PPPD, EXITED(16));
	fk_exit(DIAL_SSH, EXITED(255));
	/* one failure since up, of two servers: the other one now, no backoff */
	assert_int_equal(last_redial_delay_ms(w), 0);
	run_until(w, LINK_DIALING, 2000);
	link_stop(w->link);
	fk_exit(DIAL_PPPD, KILLED(SIGTERM));
	fk_exit(DIAL_SSH, KILLED(SIGTERM));
	world_free(w);
}

/* Stopped while backing off: no attempt runs, so stopped at once, and no dial follows. */
static void down_while_backing_off(void **state)
{
	(void)state;
	struct world *w = world_new(one_server);
	link_start(w->link);
	fk_exit(DIAL_SSH, EXITED(255));
	fk_exit(DIAL_PPPD, EXITED(16));
	assert_int_equal(link_state(w->link), LINK_BACKOFF);
	link_stop(w->link);
	assert_int_equal(link_state(w->link), LINK_STOPPED);
	assert_int_equal(w->done_calls, 1);
	run_for(w, 2500);
	assert_int_equal(fk.starts, 1);
	world_free(w);
}

/* --- the knock on the server's port after a failure (link_reach.c) ---------------------- */

/* A loopback port of the test's, bound and not yet listening (a knock is refused); the
 * peer dials it. */
struct knock_server {
	int fd;
	char port_line[32];
	const char *lines[6];
};

static void knock_server_init(struct knock_server *k)
{
	k->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(k->fd >= 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(k->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	socklen_t len = sizeof(sin);
	assert_int_equal(getsockname(k->fd, (struct sockaddr *)&sin, &len), 0);
	snprintf(k->port_line, sizeof(k->port_line), "port %u", ntohs(sin.sin_port));
	const char *lines[] = {"host 127.0.0.1",    k->port_line, "ssh-user pppuser",
	                       "local-user nobody", "health no",  NULL};
	memcpy(k->lines, lines, sizeof(lines));
}

/* Fails the current attempt as a dead path would (ssh's connect timed out). */
static void fail_timed_out(void)
{
	fk_line(DIAL_SSH, "ssh: connect to host 127.0.0.1 port 22: Connection timed out");
	fk_exit(DIAL_SSH, EXITED(255));
	fk_exit(DIAL_PPPD, EXITED(16));
}

/* The server refused the knocks while the link backed off; it answers: the link dials
 * at once, long before the backoff's 4 s (its fourth step) are over. */
static void the_server_answering_again_ends_the_backoff(void **state)
{
	(void)state;
	struct knock_server k;
	knock_server_init(&k);
	struct world *w = world_new(k.lines);
	link_start(w->link);
	run_for(w, 300);                   /* the server's address is resolved off the loop */
	for (unsigned i = 0; i < 3; i++) { /* the backoff: at once, 1 s, 2 s */
		fail_timed_out();
		run_until(w, LINK_DIALING, 5000);
	}
	fail_timed_out();
	unsigned delay = last_redial_delay_ms(w); /* 4 s +- 25 % */
	assert_true(delay >= 3000);
	run_for(w, 1500); /* knocks refused meanwhile */
	assert_int_equal(link_state(w->link), LINK_BACKOFF);
	assert_int_equal(listen(k.fd, 4), 0);
	unsigned took = run_until(w, LINK_DIALING, delay);
	assert_true(took + 1500 < delay);
	assert_int_equal(fk.starts, 5);
	assert_non_null(strstr(log_text(w), "office: 127.0.0.1 answers again on port "));
	link_stop(w->link);
	fk_exit(DIAL_PPPD, KILLED(SIGTERM));
	fk_exit(DIAL_SSH, KILLED(SIGTERM));
	world_free(w);
	close(k.fd);
}

/* An attempt dialed while the server was silent, its connect lost: the first answer
 * ends it, and the next attempt is dialed at once, with no backoff. */
static void an_attempt_that_met_the_silence_is_dialed_again(void **state)
{
	(void)state;
	struct knock_server k;
	knock_server_init(&k);
	struct world *w = world_new(k.lines);
	link_start(w->link);
	run_for(w, 300);
	fail_timed_out();
	run_until(w, LINK_DIALING, 5000);
	run_for(w, 1500); /* a knock sent after this dial is refused */
	assert_int_equal(link_state(w->link), LINK_DIALING);
	assert_int_equal(listen(k.fd, 4), 0);
	run_until(w, LINK_CLOSING, 3000);
	assert_int_equal(fk.cur->signo[DIAL_SSH], SIGTERM);
	fk_exit(DIAL_PPPD, KILLED(SIGTERM));
	fk_exit(DIAL_SSH, KILLED(SIGTERM));
	assert_int_equal(last_redial_delay_ms(w), 0);
	run_until(w, LINK_DIALING, 2000);
	assert_int_equal(fk.starts, 3);
	assert_non_null(strstr(last_failure(w), "answered again after this attempt's connect met "
	                                        "the silence"));
	link_stop(w->link);
	fk_exit(DIAL_PPPD, KILLED(SIGTERM));
	fk_exit(DIAL_SSH, KILLED(SIGTERM));
	world_free(w);
	close(k.fd);
}

/* The server answered the first knock: the path was not the cause, and the backoff
 * stands (no early dial, no 'answers again'). */
static void an_answer_at_the_first_knock_leaves_the_backoff(void **state)
{
	(void)state;
	struct knock_server k;
	knock_server_init(&k);
	assert_int_equal(listen(k.fd, 4), 0);
	struct world *w = world_new(k.lines);
	link_start(w->link);
	run_for(w, 300);
	for (unsigned i = 0; i < 2; i++) { /* the backoff: at once, 1 s */
		fail_timed_out();
		run_until(w, LINK_DIALING, 5000);
	}
	fail_timed_out();
	unsigned delay = last_redial_delay_ms(w); /* 2 s +- 25 % */
	assert_true(delay >= 1400);
	unsigned took = run_until(w, LINK_DIALING, delay + 5000);
	assert_true(took + 100 >= delay);
	assert_null(strstr(log_text(w), "answers again"));
	link_stop(w->link);
	fk_exit(DIAL_PPPD, KILLED(SIGTERM));
	fk_exit(DIAL_SSH, KILLED(SIGTERM));
	world_free(w);
	close(k.fd);
}

/* --- the frame transport --------------------------------------------------------------- */

/* transport frames: the relay's stream ended (ssh's stdout closed), as it does whenever
 * ssh ends. */
static void fk_stream_ended(void)
{
	assert_non_null(fk.cur);
	struct err e;
	err_set(&e, "office", NULL,
	        "the ssh channel ended before the server's frame transport "
	        "greeting");
	fk.cur->ops->relay_ended(fk.cur->arg, &e, true);
}

static size_t count_of(const char *text, const char *what)
{
	size_t n = 0;
	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

/* A server refusing the TCP connection, on the frame transport: ssh's own verdict names
 * every attempt, whichever the loop hears of first, the stream's end or ssh's exit (the
 * stream's end named the second attempt on, before). */
static void frames_refused_connection_is_named_every_attempt(void **state)
{
	(void)state;
	struct world *w = world_new(one_server);
	fk.frames = true;
	link_start(w->link);
	for (unsigned attempt = 0; attempt < 3; attempt++) {
		if (attempt)
			run_until(w, LINK_DIALING, 5000);
		assert_int_equal(fk.starts, attempt + 1);
		if (attempt != 1) { /* the stream's end first: pppd is told to end */
			fk_stream_ended();
			assert_int_equal(fk.cur->signo[DIAL_PPPD], SIGTERM);
			fk_exit(DIAL_PPPD, EXITED(5));
		}
		fk_line(DIAL_SSH, "ssh: connect to host 192.0.2.1 port 22: Connection refused");
		fk_exit(DIAL_SSH, EXITED(255));
		if (attempt == 1) {
			fk_stream_ended();
			fk_exit(DIAL_PPPD, EXITED(5));
		}
		assert_int_equal(link_state(w->link), LINK_BACKOFF);
		assert_non_null(strstr(last_failure(w), "Connection refused"));
	}
	const char *t = log_text(w);
	assert_int_equal(count_of(t, "link down: ssh: connect to host 192.0.2.1 port 22: "
	                             "Connection refused; dialing again"),
	                 3);
	assert_null(strstr(t, "stream of frames ended"));
	/* No verdict of ssh's own: then the stream's end is named, with ssh's status. */
	run_until(w, LINK_DIALING, 5000);
	fk_stream_ended();
	fk_exit(DIAL_PPPD, EXITED(5));
	fk_exit(DIAL_SSH, EXITED(1));
	assert_non_null(strstr(last_failure(w),
	                       "the ssh connection closed before the link came up (the stream of "
	                       "frames ended without a refusal from the server; ssh exited with "
	                       "status 1)"));
	link_stop(w->link);
	assert_int_equal(link_state(w->link), LINK_STOPPED);
	world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_state_has_a_name),
	    cmocka_unit_test(a_closed_gate_queues_the_link),
	    cmocka_unit_test(up_then_down_then_dial_again),
	    cmocka_unit_test(stray_hook_events_are_refused),
	    cmocka_unit_test(down_during_a_dial),
	    cmocka_unit_test(a_permanent_failure_ends_the_link),
	    cmocka_unit_test(a_dial_that_cannot_start_fails),
	    cmocka_unit_test(a_permanent_failure_keeps_its_fix_apart),
	    cmocka_unit_test(a_server_without_frames_says_what_to_write),
	    cmocka_unit_test(every_server_failed_then_back_off),
	    cmocka_unit_test(a_link_that_came_up_counts_afresh),
	    cmocka_unit_test(down_while_backing_off),
	    cmocka_unit_test(frames_refused_connection_is_named_every_attempt),
	    cmocka_unit_test(the_server_answering_again_ends_the_backoff),
	    cmocka_unit_test(an_attempt_that_met_the_silence_is_dialed_again),
	    cmocka_unit_test(an_answer_at_the_first_knock_leaves_the_backoff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
