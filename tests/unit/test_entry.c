/* A peer under the daemon (daemon/entry.c) through the link's dial driver seam: a fake
 * driver stands in for ssh and pppd (as in test_link.c), and the entry's lock, socket and
 * journal live on a tmpfs over /run in a mount and network namespace of the test's own
 * (root).  Reload while dialing, backing off, down or queued; a reload that toggles
 * route-all; `down` during a dial; and status naming each state. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/config.h"
#include "ctl/lockdown.h"
#include "daemon/dial_queue.h"
#include "daemon/entry.h"
#include "lib/diag.h"
#include "lib/event.h"
#include "lib/proc.h"
#include "link/dial_driver.h"
#include "skip.h"
#include "fake_dial.h"
#include "tmpdir.h"

/* The attempt of start number i ends: pppd, then ssh, with these statuses. */
static void fk_end(unsigned i, int pppd_status, int ssh_status)
{
	struct fake_dial *d = fk.by_start[i % FK_RING];
	assert_non_null(d);
	d->running[DIAL_PPPD] = false;
	d->ops->exited(d->arg, DIAL_PPPD, pppd_status);
	d->running[DIAL_SSH] = false;
	d->ops->exited(d->arg, DIAL_SSH, ssh_status);
}

/* --- the world --------------------------------------------------------------------------- */

static char *scratch;
static struct event_loop *loop;
static unsigned idle_calls;

static void on_idle(void *arg, struct entry *e)
{
	(void)arg;
	(void)e;
	idle_calls++;
}

static struct {
	unsigned calls;
	enum ctl_status st;
	char text[300];
} last_reply;

static void on_reply(void *arg, enum ctl_status st, const char *text)
{
	(void)arg;
	last_reply.calls++;
	last_reply.st = st;
	snprintf(last_reply.text, sizeof(last_reply.text), "%s", text);
}

static void on_over(void *arg)
{
	event_loop_exit(arg, 0);
}

static void run_for(unsigned ms)
{
	event_timer_set(loop, ms, on_over, loop);
	assert_int_equal(event_loop_run(loop), 0);
}

/* A peer file NAME in scratch with the lines given, loaded.  local-user is sys unless they
 * name one: an account that runs nothing (route-all refuses nobody and accounts that run
 * processes). */
static struct peer *peer_text(const char *name, const char *extra)
{
	char text[512];
	snprintf(text, sizeof(text), "host 127.0.0.1\nport 1\nssh-user pppuser\n%shealth no\n%s",
	         strstr(extra, "local-user ") ? "" : "local-user sys\n", extra);
	char *path = tmpdir_file(scratch, name, text, 0600);
	struct diag *d = diag_new();
	struct peer *p = config_load_file(name, path, d);
	if (!p)
		diag_print(d, stderr);
	diag_free(d);
	free(path);
	assert_non_null(p);
	return p;
}

static const char *state_of(const struct entry *e)
{
	struct status_row row;
	entry_status(e, &row);
	return row.state ? row.state : "(null)";
}

static int setup(void **state)
{
	(void)state;
	memset(&fk, 0, sizeof(fk));
	idle_calls = 0;
	memset(&last_reply, 0, sizeof(last_reply));
	link_set_dial_driver(&fake);
	scratch = tmpdir_new();
	loop = event_loop_new();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	event_loop_free(loop);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	assert_int_equal(system(cmd), 0);
	free(scratch);
	link_set_dial_driver(NULL);
	return 0;
}

/* Each test program once: its own /run (the entry's lock, socket and journal), its own
 * /var/lib/sshdial (lockdown records, the resolver file's journal) and its own network (route-all's
 * rules), so that nothing of the machine's is touched. */
static bool private_world(void)
{
	static int done = -1;
	if (done < 0)
		done = unshare(CLONE_NEWNS | CLONE_NEWNET) == 0 &&
		       mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
		       mount("tmpfs", "/run", "tmpfs", 0, "mode=755") == 0 &&
		       mkdir("/run/sshdial", 0700) == 0 &&
		       (mkdir("/var/lib/sshdial", 0755) == 0 || errno == EEXIST) &&
		       mount("tmpfs", "/var/lib/sshdial", "tmpfs", 0, "mode=755") == 0;
	return done;
}

#define NEED_ROOT()                                                                                \
	do {                                                                                       \
		if (!private_world())                                                              \
			skip_because(                                                              \
			    "needs root: a mount and network namespace of its own, with "          \
			    "a tmpfs over /run for the entry's lock, socket and journal");         \
	} while (0)

/* --- the tests -------------------------------------------------------------------------- */

/* --max-dialing 1: the second peer waits queued, and status names that state (it printed
 * "(null)" when the link's table of names lacked it); the first up, the second dials. */
static void status_names_a_queued_peer(void **state)
{
	(void)state;
	NEED_ROOT();
	struct dial_queue *dq = dial_queue_new(1);
	struct entry *a = entry_new(loop, dq, peer_text("a", ""), true, on_idle, NULL);
	struct entry *b = entry_new(loop, dq, peer_text("b", ""), true, on_idle, NULL);
	entry_up(a, on_reply, NULL);
	entry_up(b, NULL, NULL);
	assert_string_equal(state_of(a), "dialing");
	assert_string_equal(state_of(b), "queued");
	assert_int_equal(fk.starts, 1);
	/* a's attempt fails: its slot goes to b, which dials */
	fk_end(0, 16 << 8, 255 << 8);
	run_for(50);
	assert_string_equal(state_of(b), "dialing");
	assert_int_equal(fk.starts, 2);
	entry_down(b, NULL, NULL);
	fk_end(1, SIGTERM, SIGTERM);
	entry_down(a, NULL, NULL);
	run_for(50);
	assert_string_equal(state_of(a), "stopped");
	assert_string_equal(state_of(b), "stopped");
	entry_free(a);
	entry_free(b);
	dial_queue_free(dq);
}

/* `down` during a dial: pppd told first, then both ended, everything undone; the answer
 * says so and the entry is idle, stopped. */
static void down_during_a_dial(void **state)
{
	(void)state;
	NEED_ROOT();
	struct entry *e = entry_new(loop, NULL, peer_text("office", ""), true, on_idle, NULL);
	entry_up(e, NULL, NULL);
	assert_string_equal(state_of(e), "dialing");
	struct fake_dial *d = fk.by_start[0];
	entry_down(e, on_reply, NULL);
	assert_string_equal(state_of(e), "closing");
	assert_int_equal(d->signo[DIAL_PPPD], SIGTERM);
	fk_end(0, SIGTERM, 255 << 8);
	run_for(50);
	assert_int_equal(last_reply.calls, 1);
	assert_int_equal(last_reply.st, CTL_OK);
	assert_string_equal(last_reply.text, "office: down, everything it changed undone");
	assert_string_equal(state_of(e), "stopped");
	assert_false(entry_running(e));
	assert_int_equal(idle_calls, 1);
	assert_int_equal(fk.starts, 1);
	entry_free(e);
}

/* A reload with a changed file while dialing: the attempt is ended and the peer dialed
 * again with the new file; an unchanged file changes nothing. */
static void reload_while_dialing(void **state)
{
	(void)state;
	NEED_ROOT();
	struct entry *e = entry_new(loop, NULL, peer_text("office", ""), true, on_idle, NULL);
	entry_up(e, NULL, NULL);
	struct peer *same = peer_text("office", "");
	assert_false(entry_replace(e, same));
	peer_free(same);
	assert_int_equal(fk.by_start[0]->signo[DIAL_PPPD], 0);
	assert_true(entry_replace(e, peer_text("office", "autostart yes\n")));
	assert_string_equal(state_of(e), "closing");
	fk_end(0, SIGTERM, 255 << 8);
	run_for(50);
	assert_string_equal(state_of(e), "dialing");
	assert_int_equal(fk.starts, 2);
	struct status_row row;
	entry_status(e, &row);
	assert_true(row.autostart); /* the new file's */
	entry_down(e, NULL, NULL);
	fk_end(1, SIGTERM, SIGTERM);
	run_for(50);
	entry_free(e);
}

/* A reload while backing off (no attempt running): dialed again at once with the new
 * file, not after the backoff. */
static void reload_while_backing_off(void **state)
{
	(void)state;
	NEED_ROOT();
	struct entry *e = entry_new(loop, NULL, peer_text("office", ""), true, on_idle, NULL);
	entry_up(e, NULL, NULL);
	fk_end(0, 16 << 8, 255 << 8); /* first failure: again at once */
	run_for(50);
	fk_end(1, 16 << 8, 255 << 8); /* second: back off about a second */
	assert_string_equal(state_of(e), "backoff");
	assert_true(entry_replace(e, peer_text("office", "autostart yes\n")));
	run_for(50);
	assert_string_equal(state_of(e), "dialing");
	assert_int_equal(fk.starts, 3);
	entry_down(e, NULL, NULL);
	fk_end(2, SIGTERM, SIGTERM);
	run_for(50);
	entry_free(e);
}

/* A reload of a peer that is down takes the new file and dials nothing. */
static void reload_while_down(void **state)
{
	(void)state;
	NEED_ROOT();
	struct entry *e = entry_new(loop, NULL, peer_text("office", ""), true, on_idle, NULL);
	assert_true(entry_replace(e, peer_text("office", "autostart yes\n")));
	run_for(50);
	assert_int_equal(fk.starts, 0);
	assert_false(entry_running(e));
	struct status_row row;
	entry_status(e, &row);
	assert_true(row.autostart);
	entry_free(e);
}

/* A reload of a queued peer: it stays queued behind the link that holds the slot, with
 * the new file, and dials once the slot is free. */
static void reload_while_queued(void **state)
{
	(void)state;
	NEED_ROOT();
	struct dial_queue *dq = dial_queue_new(1);
	struct entry *a = entry_new(loop, dq, peer_text("a", ""), true, on_idle, NULL);
	struct entry *b = entry_new(loop, dq, peer_text("b", ""), true, on_idle, NULL);
	entry_up(a, NULL, NULL);
	entry_up(b, NULL, NULL);
	assert_string_equal(state_of(b), "queued");
	assert_true(entry_replace(b, peer_text("b", "autostart yes\n")));
	run_for(50);
	assert_string_equal(state_of(b), "queued");
	assert_int_equal(fk.starts, 1);
	fk_end(0, 16 << 8, 255 << 8);
	run_for(50);
	assert_string_equal(state_of(b), "dialing");
	entry_down(a, NULL, NULL);
	entry_down(b, NULL, NULL);
	for (unsigned i = 1; i < fk.starts; i++)
		if (fk.by_start[i % FK_RING])
			fk_end(i, SIGTERM, SIGTERM);
	run_for(50);
	entry_free(a);
	entry_free(b);
	dial_queue_free(dq);
}

/* A reload that turns route-all (its kill switch) on and then off again: each time the
 * link is dialed again, and does not fail on the switch's rules. */
static void reload_toggles_route_all(void **state)
{
	(void)state;
	NEED_ROOT();
	struct entry *e = entry_new(loop, NULL, peer_text("office", ""), true, on_idle, NULL);
	entry_up(e, NULL, NULL);
	const char *const files[] = {"route-all yes\n", "route-all yes\nkill-switch no\n", ""};
	for (unsigned i = 0; i < 3; i++) {
		assert_true(entry_replace(e, peer_text("office", files[i])));
		fk_end(i, SIGTERM, 255 << 8);
		run_for(50);
		assert_string_equal(state_of(e), "dialing");
		assert_int_equal(fk.starts, i + 2);
		/* the kill switch's rules (protocol 83) are in while the link is down with
		 * route-all and the switch on, and gone once either is off */
		int rules = system("ip rule show | grep -q 'proto 83'");
		if (i == 0)
			assert_int_equal(rules, 0);
		else
			assert_int_not_equal(rules, 0);
	}
	entry_down(e, on_reply, NULL);
	fk_end(3, SIGTERM, SIGTERM);
	run_for(50);
	assert_string_equal(last_reply.text, "office: down, everything it changed undone");
	entry_free(e);
}

/* The real uid of pid, (uid_t)-1 when it is gone. */
static uid_t proc_ids_uid(pid_t pid)
{
	struct proc_ids ids;
	return proc_ids_read(pid, &ids) ? ids.ruid : (uid_t)-1;
}

/* The handle of nftables table inet NAME in this namespace (it changes when the table is
 * deleted and made again), or -1 when there is none. */
static long table_handle(const char *name)
{
	char cmd[200], line[300];
	long h = -1;
	snprintf(cmd, sizeof(cmd), "nft -a list table inet %s 2>/dev/null", name);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	if (fgets(line, sizeof(line), f)) {
		const char *at = strstr(line, "# handle ");
		if (at)
			h = strtol(at + 9, NULL, 10);
	}
	pclose(f);
	return h;
}

/* A restart, and a reload with a changed file that keeps the kill switch, hand the kill
 * switch over to the next run: its guard table is the same table (never deleted and made
 * again), the rules stay, and the next run dials. */
static void restart_hands_the_kill_switch_over(void **state)
{
	(void)state;
	NEED_ROOT();
	struct entry *e =
	    entry_new(loop, NULL, peer_text("office", "route-all yes\n"), true, on_idle, NULL);
	entry_up(e, NULL, NULL);
	long h = table_handle("sshdial_guard_office");
	if (h < 0)
		skip_because("no nftables here (nft, nf_tables): the guard cannot be made");
	entry_restart(e, NULL, NULL);
	fk_end(0, SIGTERM, 255 << 8);
	run_for(50);
	assert_string_equal(state_of(e), "dialing");
	assert_int_equal(fk.starts, 2);
	assert_int_equal(table_handle("sshdial_guard_office"), h);
	assert_true(entry_replace(e, peer_text("office", "route-all yes\n# changed\n")));
	fk_end(1, SIGTERM, 255 << 8);
	run_for(50);
	assert_string_equal(state_of(e), "dialing");
	assert_int_equal(fk.starts, 3);
	assert_int_equal(table_handle("sshdial_guard_office"), h);
	assert_int_equal(system("ip rule show | grep -q 'proto 83'"), 0);
	entry_down(e, on_reply, NULL);
	fk_end(2, SIGTERM, SIGTERM);
	run_for(50);
	assert_string_equal(last_reply.text, "office: down, everything it changed undone");
	assert_int_equal(table_handle("sshdial_guard_office"), -1);
	assert_int_not_equal(system("ip rule show | grep -q 'proto 83'"), 0);
	entry_free(e);
}

/* A kill switch held with no link (kill-switch always, after down) is put back when root
 * deletes its guard table or its rules. */
static void held_kill_switch_is_put_back(void **state)
{
	(void)state;
	NEED_ROOT();
	struct entry *e =
	    entry_new(loop, NULL, peer_text("office", "route-all yes\nkill-switch always\n"), true,
	              on_idle, NULL);
	entry_up(e, NULL, NULL);
	if (table_handle("sshdial_guard_office") < 0)
		skip_because("no nftables here (nft, nf_tables): the guard cannot be made");
	entry_down(e, on_reply, NULL);
	fk_end(0, SIGTERM, SIGTERM);
	run_for(50);
	assert_string_equal(state_of(e), "blocked");
	assert_true(entry_held(e));
	assert_int_equal(system("nft delete table inet sshdial_guard_office"), 0);
	assert_int_equal(system("ip rule del pref 8340"), 0);
	run_for(1000);
	assert_true(table_handle("sshdial_guard_office") >= 0);
	assert_int_equal(system("ip rule show | grep -q '^8340:.*proto 83'"), 0);
	/* a change to the file that drops the lockdown lifts it all */
	assert_true(entry_replace(e, peer_text("office", "route-all yes\n")));
	assert_false(entry_held(e));
	assert_int_equal(table_handle("sshdial_guard_office"), -1);
	assert_int_not_equal(system("ip rule show | grep -q 'proto 83'"), 0);
	entry_free(e);
}

/* A changed file that drops 'always' but keeps the kill switch: the kill switch is handed
 * over, and the lockdown ends (its record goes). */
static void lockdown_dropped_kill_switch_kept(void **state)
{
	(void)state;
	NEED_ROOT();
	struct entry *e =
	    entry_new(loop, NULL, peer_text("office", "route-all yes\nkill-switch always\n"), true,
	              on_idle, NULL);
	entry_up(e, NULL, NULL);
	long h = table_handle("sshdial_guard_office");
	if (h < 0)
		skip_because("no nftables here (nft, nf_tables): the guard cannot be made");
	assert_true(lockdown_marked("office"));
	assert_true(entry_replace(e, peer_text("office", "route-all yes\n")));
	fk_end(0, SIGTERM, 255 << 8);
	run_for(50);
	assert_string_equal(state_of(e), "dialing");
	assert_false(lockdown_marked("office"));
	assert_int_equal(table_handle("sshdial_guard_office"), h);
	entry_down(e, on_reply, NULL);
	fk_end(1, SIGTERM, SIGTERM);
	run_for(50);
	assert_string_equal(last_reply.text, "office: down, everything it changed undone");
	assert_int_equal(table_handle("sshdial_guard_office"), -1);
	entry_free(e);
}

/* A dead run of peer office (route-all): a child process applies its kill switch and ends
 * without cleaning up, as a daemon killed with -9 does.  The guard table's handle; skips
 * where nftables cannot make it. */
static long dead_run_leaves_kill_switch(void)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct entry *dead = entry_new(loop, NULL, peer_text("office", "route-all yes\n"),
		                               true, on_idle, NULL);
		entry_up(dead, NULL, NULL);
		_exit(table_handle("sshdial_guard_office") < 0 ? 3 : 0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
		skip_because("no nftables here (nft, nf_tables): the guard cannot be made");
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	long h = table_handle("sshdial_guard_office");
	assert_true(h >= 0);
	return h;
}

/* A dead run's kill switch, taken over, stays in force when the next run fails before its
 * own is in: here route-all refuses the file's local-user (nobody).  The peer is held,
 * blocked, until down lifts it. */
static void a_failed_start_keeps_the_kill_switch_taken_over(void **state)
{
	(void)state;
	NEED_ROOT();
	long h = dead_run_leaves_kill_switch();

	struct entry *e =
	    entry_new(loop, NULL, peer_text("office", "route-all yes\nlocal-user nobody\n"), true,
	              on_idle, NULL);
	entry_up(e, on_reply, NULL);
	run_for(50);
	assert_int_equal(last_reply.calls, 1);
	assert_int_not_equal(last_reply.st, CTL_OK);
	assert_string_equal(state_of(e), "blocked");
	assert_true(entry_held(e));
	assert_int_equal(table_handle("sshdial_guard_office"), h);
	assert_int_equal(system("ip rule show | grep -q '^8340:.*proto 83'"), 0);
	entry_down(e, on_reply, NULL);
	assert_string_equal(last_reply.text, "office: down, its kill switch lifted");
	assert_int_equal(table_handle("sshdial_guard_office"), -1);
	assert_int_not_equal(system("ip rule show | grep -q 'proto 83'"), 0);
	entry_free(e);
}

/* A peer dialed again after a restart (entry_resume) whose start is refused because
 * local-user still runs a process (the dead run's, ending) is held, and dialed once more a
 * few seconds later: once that process is gone, it dials. */
static void a_resumed_peer_refused_is_dialed_once_more(void **state)
{
	(void)state;
	NEED_ROOT();
	(void)dead_run_leaves_kill_switch();
	int status;
	/* a process of local-user's (sys) that is no sshdial's, until its pipe closes */
	int go[2];
	assert_int_equal(pipe(go), 0);
	pid_t busy = fork();
	assert_true(busy >= 0);
	if (busy == 0) {
		char c;
		close(go[1]);
		if (setresgid(3, 3, 3) < 0 || setresuid(3, 3, 3) < 0)
			_exit(1);
		(void)!read(go[0], &c, 1);
		_exit(0);
	}
	close(go[0]);
	while (proc_ids_uid(busy) != 3)
		run_for(10);
	struct entry *e =
	    entry_new(loop, NULL, peer_text("office", "route-all yes\n"), true, on_idle, NULL);
	entry_resume(e);
	run_for(50);
	assert_string_equal(state_of(e), "blocked");
	assert_int_equal(fk.starts, 0);
	close(go[1]);
	assert_int_equal(waitpid(busy, &status, 0), busy);
	run_for(3500);
	assert_string_equal(state_of(e), "dialing");
	assert_int_equal(fk.starts, 1);
	entry_down(e, on_reply, NULL);
	fk_end(0, SIGTERM, SIGTERM);
	run_for(50);
	assert_string_equal(last_reply.text, "office: down, everything it changed undone");
	assert_int_equal(table_handle("sshdial_guard_office"), -1);
	entry_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(status_names_a_queued_peer, setup, teardown),
	    cmocka_unit_test_setup_teardown(down_during_a_dial, setup, teardown),
	    cmocka_unit_test_setup_teardown(reload_while_dialing, setup, teardown),
	    cmocka_unit_test_setup_teardown(reload_while_backing_off, setup, teardown),
	    cmocka_unit_test_setup_teardown(reload_while_down, setup, teardown),
	    cmocka_unit_test_setup_teardown(reload_while_queued, setup, teardown),
	    cmocka_unit_test_setup_teardown(reload_toggles_route_all, setup, teardown),
	    cmocka_unit_test_setup_teardown(restart_hands_the_kill_switch_over, setup, teardown),
	    cmocka_unit_test_setup_teardown(held_kill_switch_is_put_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_failed_start_keeps_the_kill_switch_taken_over, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(a_resumed_peer_refused_is_dialed_once_more, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(lockdown_dropped_kill_switch_kept, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
