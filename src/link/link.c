#include "link/link.h"
#include "link/link_priv.h"

#include <signal.h>
#include <sys/wait.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/backoff.h"
#include "lib/child.h"
#include "lib/err.h"
#include "link/dial.h"
#include "link/dial_driver.h"
#include "link/failure.h"
#include "link/forward.h"
#include "link/health.h"
#include "lib/log.h"
#include "link/attempt_deadline.h"
#include "netconf/dns.h"
#include "frames/frame_relay.h"
#include "ctl/rundir.h"

/* pppd and ssh get this long to end after SIGTERM before SIGKILL. */
#define STOP_GRACE_MS 5000
/* After ssh ends, pppd should see the hangup at once, and after pppd sees one, ssh is
 * ending by itself: past this the other is told to stop. */
#define HANGUP_GRACE_MS 3000
/* A link up this long has proven itself: the next failure starts the backoff afresh. */
#define STABLE_MS 60000
#define BACKOFF_BASE_MS 1000
#define BACKOFF_CAP_MS 30000

static void link_dial(struct link *l);

static void on_backoff_over(void *arg)
{
	link_dial(arg);
}

/* The next dial in ms, and when it is due for status. */
static void retry_in(struct link *l, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, &l->retry_at);
	l->retry_at.tv_sec += ms / 1000;
	l->retry_at.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (l->retry_at.tv_nsec >= 1000000000L) {
		l->retry_at.tv_sec++;
		l->retry_at.tv_nsec -= 1000000000L;
	}
	event_timer_set(l->loop, ms, on_backoff_over, l);
}

static void on_stable(void *arg)
{
	struct link *l = arg;
	backoff_reset(&l->backoff);
}

static void on_kill_timeout(void *arg)
{
	struct link *l = arg;
	log_warn("%s: pppd or ssh did not end in time; killing them", peer_name(l->peer));
	link_dial_driver()->signal(l->dial, DIAL_PPPD, SIGKILL);
	link_dial_driver()->signal(l->dial, DIAL_SSH, SIGKILL);
}

/* Ends the current attempt: pppd first, so that it can say goodbye and run ip-down. */
void link_hang_up(struct link *l)
{
	link_set_state(l, LINK_CLOSING);
	if (link_dial_driver()->running(l->dial, DIAL_PPPD))
		link_dial_driver()->signal(l->dial, DIAL_PPPD, SIGTERM);
	else
		link_dial_driver()->signal(l->dial, DIAL_SSH, SIGTERM);
	event_timer_set(l->loop, STOP_GRACE_MS, on_kill_timeout, l);
}

/* The path is gone: pppd's goodbye cannot arrive, so ssh need not wait for it. */
void link_hang_up_now(struct link *l)
{
	health_stop(l->health);
	l->health = NULL;
	link_set_state(l, LINK_CLOSING);
	link_dial_driver()->signal(l->dial, DIAL_PPPD, SIGTERM);
	link_dial_driver()->signal(l->dial, DIAL_SSH, SIGTERM);
	event_timer_set(l->loop, STOP_GRACE_MS, on_kill_timeout, l);
}

static void on_health_dead(void *arg, const char *why)
{
	struct link *l = arg;
	log_warn("%s: link dead: %s", peer_name(l->peer), why);
	failure_set(&l->failure, FAILURE_TRANSIENT, "link dead: %s", why);
	link_hang_up_now(l);
}

static void on_dial_timeout(void *arg)
{
	struct link *l = arg;
	double since = link_seconds_since(&l->attempt.dial_started);
	unsigned more = attempt_deadline_extension_ms(&l->attempt.progress, l->attempt.deadline_ms,
	                                              (unsigned)(since * 1000));
	if (more) {
		log_info("%s: no link within %.0f s of dialing, but it is progressing (%s %.1f s "
		         "ago): %u s more",
		         peer_name(l->peer), since, attempt_step_name(l->attempt.progress.last),
		         since - l->attempt.progress.last_at_ms / 1000.0, more / 1000);
		event_timer_set(l->loop, more, on_dial_timeout, l);
		return;
	}
	l->missed_deadlines++;
	failure_set(&l->failure, FAILURE_TRANSIENT,
	            "no link within %.0f s of dialing (the next attempt is given %u s)", since,
	            attempt_deadline_ms(l->missed_deadlines) / 1000);
	link_hang_up(l);
}

static void on_hangup_grace(void *arg)
{
	struct link *l = arg;
	link_dial_driver()->signal(l->dial, DIAL_PPPD, SIGTERM);
	event_timer_set(l->loop, STOP_GRACE_MS, on_kill_timeout, l);
}

static void on_ssh_grace(void *arg)
{
	struct link *l = arg;
	link_dial_driver()->signal(l->dial, DIAL_SSH, SIGTERM);
	event_timer_set(l->loop, STOP_GRACE_MS, on_kill_timeout, l);
}

/* The attempt's changes go with the link; the session's (route-all's kill switch) only
 * when all is asked: on stop, and on unlock. */
void link_undo_network(struct link *l, bool all)
{
	unsigned n = (all ? netconf_applied(l->nc) : netconf_applied_in(l->nc, JOURNAL_ATTEMPT)) -
	             (l->attempt.dns_set ? 1u : 0u);
	int failed = all ? netconf_undo_all(l->nc) : netconf_undo_attempt(l->nc);
	if (all)
		l->route_all.blocked = false;
	if (l->attempt.dns_set)
		log_info("%s: DNS: %s restored", peer_name(l->peer),
		         dns_backend_where(l->attempt.dns_backend));
	l->attempt.dns_set = false;
	if (n)
		log_info("%s: removed %u %s%s", peer_name(l->peer), n - (unsigned)failed,
		         peer_route_all(l->peer) ? "routes and rules"
		         : n == 1                ? "route"
		                                 : "routes",
		         failed ? " (some could not be removed, see above)" : "");
}

/* The attempt's timers, forwards, health probe and processes go: the common start of
 * every end of an attempt. */
static void attempt_release(struct link *l)
{
	event_timer_cancel_all(l->loop, l);
	forwards_stop(l->fw);
	health_stop(l->health);
	l->health = NULL;
	link_dial_driver()->free(l->dial);
	l->dial = NULL;
}

/* Without a route to the server a dial could only fail: the link waits for the path
 * watch to report one, and dials anyway after this long (the watch may not know the path
 * ssh takes: a Host alias of ssh_config). */
#define NO_ROUTE_WAIT_MS BACKOFF_CAP_MS

/* The path to the server changed while the attempt ended (whatever ended it: the change
 * itself, or the health verdict that the change caused): a network change is not a
 * failure.  The same server, at once, with the backoff and the count of failures afresh;
 * without a route, as soon as the watch sees one. */
static void link_redial_new_path(struct link *l, const char *why)
{
	l->redial_now = false;
	l->failed_in_row = 0;
	backoff_reset(&l->backoff);
	link_set_state(l, LINK_BACKOFF);
	if (link_path_unrouted(l)) {
		log_warn("%s: link down: %s; no route to %s: dialing again when there is one "
		         "(at the latest in %.0f s)",
		         peer_name(l->peer), why, link_server(l), NO_ROUTE_WAIT_MS / 1000.0);
		retry_in(l, NO_ROUTE_WAIT_MS);
		return;
	}
	log_warn("%s: link down: %s; dialing again now", peer_name(l->peer), why);
	retry_in(l, 0);
}

/* Keeps e (where: the peer) as the link's last failure, with its class and the time. */
static void link_failed(struct link *l, enum failure_class cls, const struct err *e)
{
	l->last = (struct link_failure){.err = *e, .cls = cls, .at = time(NULL)};
}

static void attempt_ended(struct link *l)
{
	attempt_release(l);
	link_undo_network(l, (l->stopping || l->failure.cls > FAILURE_TRANSIENT) &&
	                         !link_keeps_block(l));
	link_scripts_down(l);
	l->attempt.ifname[0] = 0;
	l->attempt.local6[0] = 0;
	if (l->failure.cls && !l->transport.redial_pty) {
		struct err e;
		link_failed(
		    l, l->failure.cls,
		    err_set(&e, peer_name(l->peer), l->failure.fix, "%s", l->failure.reason));
	}

	if (l->stopping) {
		link_reach_stop(l);
		link_set_state(l, LINK_STOPPED);
		link_scripts_done(l, NULL);
		return;
	}
	if (l->transport.redial_pty) { /* the same server, over the pty, at once: logged already */
		link_set_state(l, LINK_BACKOFF);
		retry_in(l, 0);
		return;
	}
	char text[FAILURE_TEXT_MAX];
	const char *why =
	    l->failure.cls ? failure_format(&l->failure, text, sizeof(text)) : "ssh and pppd ended";
	if (l->redial_now && l->failure.cls <= FAILURE_TRANSIENT) {
		link_redial_new_path(l, why);
		return;
	}
	bool server_given_up = link_give_up_server(l);
	if (l->failure.cls > FAILURE_TRANSIENT && !server_given_up) {
		log_error("%s: %s", peer_name(l->peer), why);
		link_reach_stop(l);
		link_set_state(l, LINK_FAILED);
		link_scripts_done(l, &l->last);
		return;
	}
	l->redial_now = false;
	/* Each failure moves to the next server at once; once every server has failed in a
	 * row, the backoff paces the next round. */
	l->failed_in_row++;
	if (l->failure.ssh.timed_out) /* a slow server, most likely: the next waits longer */
		l->missed_deadlines++;
	link_next_server(l);
	if (l->path.watched != link_server_index(l)) {
		link_unwatch_path(l);
		link_reach_stop(l);
	}
	link_reach_start(l); /* a silent path's return cuts the wait short */
	size_t usable = link_usable_servers(l);
	bool round_left = usable > 1 && l->failed_in_row % usable != 0;
	unsigned delay = round_left ? 0 : backoff_next(&l->backoff);
	if (delay)
		log_warn("%s: link down: %s; dialing again in %.1f s", peer_name(l->peer), why,
		         delay / 1000.0);
	else
		log_warn("%s: link down: %s; dialing again now", peer_name(l->peer), why);
	link_set_state(l, LINK_BACKOFF);
	retry_in(l, delay);
}

static void on_line(void *arg, enum dial_proc from, const char *line)
{
	struct link *l = arg;
	log_info("%s: %s: %s", peer_name(l->peer), from == DIAL_SSH ? "ssh" : "pppd", line);
	if (l->stopping)
		return;
	if (from == DIAL_SSH) {
		forwards_ssh_line(l->fw, line);
		failure_from_ssh_line(&l->failure, line);
	} else {
		failure_from_pppd_line(&l->failure, line);
		if (l->state == LINK_DIALING)
			attempt_progress_note(
			    &l->attempt.progress, attempt_step_of_pppd_line(line),
			    (unsigned)(link_seconds_since(&l->attempt.dial_started) * 1000));
	}
}

static void on_exited(void *arg, enum dial_proc which, int wstatus)
{
	struct link *l = arg;
	char how[64];
	child_describe(wstatus, how, sizeof(how));
	log_debug("%s: %s %s", peer_name(l->peer), which == DIAL_SSH ? "ssh" : "pppd", how);

	if (which == DIAL_PPPD) {
		/* An ssh that ends first takes the pseudo-terminal with it: a pppd slow to start
		 * then finds no device and takes its name for an unknown option (exit 2) or
		 * cannot open it (exit 7), which says nothing about the peer's options or the
		 * system.  ssh's own verdict stands. */
		int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
		bool pty_gone = (code == 2 || code == 7) && !l->attempt.came_up &&
		                !link_dial_driver()->running(l->dial, DIAL_SSH);
		/* transport frames: once the stream has ended before the link came up, pppd
		 * ends because it was told to; ssh's exit alone says why the stream ended. */
		bool stream_gone = l->attempt.relay_down && !l->attempt.came_up;
		if (!l->stopping && !pty_gone && !stream_gone)
			failure_from_pppd_exit(&l->failure, l->peer, wstatus);
		else if (!l->stopping && !stream_gone)
			failure_set(&l->failure, FAILURE_TRANSIENT,
			            "ssh ended before pppd had opened the pseudo-terminal");
		/* A hangup (16) means ssh closed the terminal (or, with transport frames, the
		 * relay's stream): it is ending by itself, and only its own exit status can say
		 * why (a host key, a login); a signal would hide it. */
		bool hangup =
		    ((WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 16) || l->attempt.relay_down) &&
		    !l->stopping;
		if (link_dial_driver()->running(l->dial, DIAL_SSH) && hangup)
			event_timer_set(l->loop, HANGUP_GRACE_MS, on_ssh_grace, l);
		else if (link_dial_driver()->running(l->dial, DIAL_SSH))
			on_ssh_grace(l);
	} else {
		if (!l->stopping)
			failure_from_ssh_exit(&l->failure, l->peer, wstatus,
			                      (link_dial_driver()->signalled(l->dial, DIAL_SSH)
			                           ? FAILURE_SSH_SIGNALLED
			                           : 0) |
			                          (l->attempt.came_up ? FAILURE_SSH_WAS_UP : 0) |
			                          (l->transport.frames ? FAILURE_SSH_FRAMES : 0));
		if (link_dial_driver()->running(l->dial, DIAL_PPPD) && !l->stopping)
			event_timer_set(l->loop, HANGUP_GRACE_MS, on_hangup_grace, l);
	}
	if (!link_dial_driver()->running(l->dial, DIAL_SSH) &&
	    !link_dial_driver()->running(l->dial, DIAL_PPPD))
		attempt_ended(l);
}

/* pppd or ssh could not be executed: as when the attempt could not be started at all. */
static void on_dial_failed(void *arg, enum failure_class status, const struct err *e)
{
	struct link *l = arg;
	attempt_release(l);
	link_reach_stop(l);
	link_failed(l, status, e);
	if (l->stopping) {
		link_set_state(l, LINK_STOPPED);
		l->ops->done(l->arg, NULL);
		return;
	}
	link_set_state(l, LINK_FAILED);
	l->ops->done(l->arg, &l->last);
}

/* transport frames: the relay stopped.  When ssh closed the stream, this is the hangup a
 * pseudo-terminal would give pppd: pppd is told to end (it sends one Terminate-Request and
 * waits for no answer: pppd_argv.c) and ssh gets its grace to give its own verdict.
 * Otherwise the server answered without the frame transport (before the link came up: a
 * classic pppd, an sshdial without it) or broke it later, and both are ended; dialing
 * this server again would meet the same answer. */
static void on_relay_ended(void *arg, const struct err *e, bool stream_ended)
{
	struct link *l = arg;
	if (l->stopping)
		return; /* link_hang_up already told pppd, and ssh follows it */
	if (e->code == FRAME_RELAY_REFUSED) {
		/* sshdial serve's own refusal, said on the stream: its setup, not the network. */
		failure_set_fix(&l->failure, FAILURE_PERMANENT, FAILURE_FIX_ON_SERVER,
		                "%s refused the link: '%s'",
		                link_server(l) ? link_server(l) : "the server", e->cause);
		link_hang_up_now(l);
		return;
	}
	if (stream_ended) {
		err_log_debug(e);
		l->attempt.relay_down = true;
		/* Before the link came up, ssh is ending on its own verdict (a refused
		 * connection, a host key, a login), and its exit gives it whichever of the two
		 * ends the loop hears of first (failure_from_ssh_exit, FAILURE_SSH_FRAMES). */
		if (l->attempt.came_up)
			failure_set(
			    &l->failure, FAILURE_TRANSIENT,
			    "the ssh connection closed after the link was up (the stream of "
			    "frames ended)");
		link_dial_driver()->signal(l->dial, DIAL_PPPD, SIGTERM);
		event_timer_set(l->loop, STOP_GRACE_MS, on_kill_timeout, l);
		return;
	}
	if (!l->attempt.came_up && link_transport_refused(l)) {
		err_log_debug(e);
		link_hang_up_now(l);
		return;
	}
	struct err why = *e;
	why.where[0] = 0; /* the reason is logged after the peer's name */
	char fix[ERR_FIX_MAX];
	snprintf(fix, sizeof(fix), "%s", e->fix);
	why.fix[0] = 0; /* kept apart, in the failure's fix */
	if (!l->attempt.came_up)
		snprintf(fix, sizeof(fix),
		         "if the server runs pppd rather than 'sshdial serve', write 'transport "
		         "pty' in %s",
		         peer_file(l->peer));
	char text[ERR_LINE_MAX];
	failure_set_fix(&l->failure, l->attempt.came_up ? FAILURE_TRANSIENT : FAILURE_PERMANENT,
	                fix, "%s", err_format(&why, text, sizeof(text)));
	link_hang_up_now(l);
}

static const struct dial_ops link_dial_ops = {
    .line = on_line, .exited = on_exited, .failed = on_dial_failed, .relay_ended = on_relay_ended};

static void link_dial_granted(struct link *l);

static void link_dial(struct link *l)
{
	if (l->ops->may_dial && !l->ops->may_dial(l->arg)) {
		link_set_state(l, LINK_QUEUED);
		return;
	}
	link_dial_granted(l);
}

void link_dial_again_now(struct link *l)
{
	event_timer_cancel(l->loop, on_backoff_over, l);
	backoff_reset(&l->backoff);
	l->failed_in_row = 0;
	link_dial(l);
}

void link_dial_now(struct link *l)
{
	if (l->state == LINK_QUEUED && !l->stopping)
		link_dial_granted(l);
}

static void link_dial_granted(struct link *l)
{
	const struct dial_hooks hooks = {.ip_up = rundir_hook(HOOK_IP_UP),
	                                 .ip_down = rundir_hook(HOOK_IP_DOWN),
	                                 .server = link_server_index(l),
	                                 .connect_timeout_s =
	                                     attempt_connect_timeout_s(l->missed_deadlines),
	                                 .transport = link_transport_choose(l)};
	enum failure_class status;

	link_watch_path(l);
	if (l->fw && forwards_prepare(l->fw) < 0) {
		struct err e;
		link_failed(l, FAILURE_SYSTEM,
		            err_set(&e, peer_name(l->peer), "see the log for why",
		                    "cannot prepare the forwards' directory for the local user"));
		link_set_state(l, LINK_FAILED);
		l->ops->done(l->arg, &l->last);
		return;
	}
	failure_clear(&l->failure);
	l->redial_now = false; /* a path change before this dial is this dial's to follow */
	l->failure.host = link_server(l);
	l->attempt.came_up = false;
	l->attempt.relay_down = false;
	l->attempt.progress = (struct attempt_progress){0};
	clock_gettime(CLOCK_MONOTONIC, &l->attempt.dial_started);
	link_reach_dialed(l);
	/* After the server refused frames the attempt goes on over the pty: no new attempt. */
	if (l->transport.redial_pty)
		log_info("%s: dialing %s over a pseudo-terminal, still attempt %u",
		         peer_name(l->peer), link_server(l), l->attempts);
	else
		log_info("%s: dialing %s (attempt %u)", peer_name(l->peer),
		         link_server(l) ? link_server(l) : "with the pty command", ++l->attempts);
	l->transport.redial_pty = false;
	struct err e;
	err_clear(&e);
	l->dial =
	    link_dial_driver()->start(l->loop, l->peer, &hooks, &link_dial_ops, l, &status, &e);
	if (!l->dial) {
		if (!err_is_set(&e))
			err_set(&e, peer_name(l->peer), "see the messages above",
			        "cannot start the attempt");
		link_failed(l, status, &e);
		link_set_state(l, LINK_FAILED);
		l->ops->done(l->arg, &l->last);
		return;
	}
	link_transport_dialed(l);
	link_set_state(l, LINK_DIALING);
	/* Without ip-up (or forwards) by then, the attempt has failed. */
	l->attempt.deadline_ms = attempt_deadline_ms(l->missed_deadlines);
	event_timer_set(l->loop, l->attempt.deadline_ms, on_dial_timeout, l);
	if (!peer_link(l->peer)) /* forwards only: they are asked for until ssh listens */
		forwards_start(l->fw);
}

/* 'link no': the connection is up when ssh's master first answers for a forward. */
static void on_forwards_ready(void *arg)
{
	struct link *l = arg;
	if (peer_link(l->peer) || l->state != LINK_DIALING)
		return;
	l->attempt.came_up = true;
	l->missed_deadlines = 0;
	link_reach_stop(l);
	event_timer_cancel(l->loop, on_dial_timeout, l);
	event_timer_set(l->loop, STABLE_MS, on_stable, l);
	clock_gettime(CLOCK_MONOTONIC, &l->attempt.up_since);
	link_set_state(l, LINK_UP);
	log_info("%s: up after %.1f s: forwards only, %zu forward%s", peer_name(l->peer),
	         link_seconds_since(&l->attempt.dial_started), peer_forward_count(l->peer),
	         peer_forward_count(l->peer) == 1 ? "" : "s");
}

void link_went_up(struct link *l, const char *ifname, const char *remote)
{
	event_timer_cancel(l->loop, on_dial_timeout, l);
	event_timer_set(l->loop, STABLE_MS, on_stable, l);
	l->failed_in_row = 0;
	l->missed_deadlines = 0;
	link_reach_stop(l);
	if (peer_health(l->peer))
		l->health = health_start(l->loop, peer_name(l->peer), ifname, remote,
		                         peer_health_interval_ms(l->peer),
		                         peer_health_timeout_ms(l->peer), on_health_dead, l);
	clock_gettime(CLOCK_MONOTONIC, &l->attempt.up_since);
	link_set_state(l, LINK_UP);
}

struct link *link_new(struct event_loop *loop, const struct peer *peer, struct netconf *nc,
                      const struct link_ops *ops, void *arg)
{
	struct link *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	*l = (struct link){.loop = loop, .peer = peer, .nc = nc, .ops = ops, .arg = arg};
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint32_t seed = (uint32_t)ts.tv_nsec ^ (uint32_t)getpid();
	backoff_init(&l->backoff, BACKOFF_BASE_MS, BACKOFF_CAP_MS, seed);
	if (link_servers_init(l, seed) < 0) {
		free(l);
		return NULL;
	}
	if (peer_forward_count(peer))
		l->fw = forwards_new(loop, peer, on_forwards_ready, l);
	return l;
}

void link_free(struct link *l)
{
	if (!l)
		return;
	event_timer_cancel_all(l->loop, l);
	health_stop(l->health);
	link_unwatch_path(l);
	link_reach_stop(l);
	link_route_all_free(l);
	link_scripts_free(l);
	link_dial_driver()->free(l->dial);
	link_servers_free(l);
	link_transport_free(l);
	forwards_free(l->fw);
	free(l);
}

void link_start(struct link *l)
{
	clock_gettime(CLOCK_MONOTONIC, &l->started);
	if (peer_route_all(l->peer) && link_route_all_start(l) < 0) {
		struct err e;
		/* Why, when it is known (local-user refused, a rule refused): status shows it. */
		if (l->failure.cls)
			link_failed(l, l->failure.cls,
			            err_set(&e, peer_name(l->peer),
			                    l->failure.fix[0] ? l->failure.fix : NULL, "%s",
			                    l->failure.reason));
		else
			link_failed(l, FAILURE_CONFIG,
			            err_set(&e, peer_name(l->peer), "see the log for why",
			                    "route-all: cannot put its rules and kill switch in"));
		link_set_state(l, LINK_FAILED);
		l->ops->done(l->arg, &l->last);
		return;
	}
	/* A dead run's kill switch taken over (netconf_open_adopting) gives way only now that
	 * this run's is in: what it asked for again was kept, the rest goes. */
	(void)netconf_adopt_finish(l->nc);
	link_dial(l);
}

void link_stop(struct link *l)
{
	if (l->stopping)
		return;
	l->stopping = true;
	link_reach_stop(l);
	if (!l->dial) {
		event_timer_cancel_all(l->loop, l);
		link_undo_network(l, !link_keeps_block(l));
		link_set_state(l, LINK_STOPPED);
		link_scripts_done(l, NULL);
		return;
	}
	log_info("%s: stopping", peer_name(l->peer));
	event_timer_cancel_all(l->loop, l);
	link_hang_up(l);
}
