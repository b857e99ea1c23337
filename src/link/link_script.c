/* The scripts a link runs: the peer's up-script once the link is up (its routes and DNS
 * in), its down-script once the link has gone down (its routes and DNS undone, as
 * OpenVPN's --down runs after the device closed); for a pppd peer file, /etc/ppp/ip-up.d
 * and ip-down.d through run-parts, as Debian's /etc/ppp/ip-up runs them.  They run as
 * root beside the loop, each bounded by SCRIPT_TIMEOUT_MS; a failure is logged and changes
 * nothing about the link.  Part of the link's state machine (link_priv.h). */
#include "link/link_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "lib/child.h"
#include "lib/log.h"
#include "lib/script_run.h"
#include "lib/file_read.h"
#include "link/dial.h"
#include "link/dial_driver.h"
#include "link/script_env.h"

/* A hook that has not finished in this long is killed (pppd bounds none of its own). */
#define SCRIPT_TIMEOUT_MS 30000
#define SCRIPT_SLOTS 4
#define RUN_PARTS "/bin/run-parts"
#define PPP_IP_UP_D "/etc/ppp/ip-up.d"
#define PPP_IP_DOWN_D "/etc/ppp/ip-down.d"

struct slot {
	struct link_scripts *owner;
	struct script_run *run;
	char what[160]; /* "up-script /etc/x", for messages */
};

struct link_scripts {
	struct link *l;
	struct slot slots[SCRIPT_SLOTS];
	bool up_ran;       /* this attempt's up scripts started: the down ones are due */
	bool done_pending; /* the link ended: done is called once the last one ends */
	const struct link_failure *done_as;
	/* The link as ip-up told it, for the down scripts too. */
	char ifname[16], local[46], remote[46], dns1[46], dns2[46], tty[64], speed[16];
	char server[256];
	int pppd_pid;
};

static struct link_scripts *scripts_of(struct link *l)
{
	if (!l->scripts) {
		l->scripts = calloc(1, sizeof(*l->scripts));
		if (l->scripts)
			l->scripts->l = l;
	}
	return l->scripts;
}

static bool any_running(const struct link_scripts *sc)
{
	for (size_t i = 0; sc && i < SCRIPT_SLOTS; i++)
		if (sc->slots[i].run)
			return true;
	return false;
}

static void on_script_done(void *arg, struct script_run *s, const struct script_outcome *o)
{
	(void)s;
	struct slot *slot = arg;
	struct link_scripts *sc = slot->owner;
	const char *peer = peer_name(sc->l->peer);
	slot->run = NULL;
	if (o->timed_out)
		log_warn("%s: %s did not end within %d s and was killed%s%s; the link is not "
		         "affected",
		         peer, slot->what, SCRIPT_TIMEOUT_MS / 1000, o->first_line[0] ? ": " : "",
		         o->first_line);
	else if (!WIFEXITED(o->wstatus) || WEXITSTATUS(o->wstatus) != 0) {
		char how[64];
		child_describe(o->wstatus, how, sizeof(how));
		log_warn("%s: %s %s%s%s; the link is not affected", peer, slot->what, how,
		         o->first_line[0] ? ": " : "", o->first_line);
	} else {
		log_info("%s: %s done", peer, slot->what);
	}
	if (sc->done_pending && !any_running(sc)) {
		sc->done_pending = false;
		sc->l->ops->done(sc->l->arg, sc->done_as);
	}
}

static void start(struct link_scripts *sc, const char *what, const char *path, struct strv *argv,
                  struct strv *env)
{
	struct slot *slot = NULL;
	for (size_t i = 0; i < SCRIPT_SLOTS && !slot; i++)
		if (!sc->slots[i].run)
			slot = &sc->slots[i];
	if (!slot) {
		log_warn("%s: %s not run: %d scripts of this peer are still running",
		         peer_name(sc->l->peer), what, SCRIPT_SLOTS);
	} else {
		slot->owner = sc;
		snprintf(slot->what, sizeof(slot->what), "%s", what);
		slot->run = script_run_start(sc->l->loop, path, strv_argv(argv), strv_argv(env),
		                             SCRIPT_TIMEOUT_MS, on_script_done, slot);
		if (slot->run)
			log_debug("%s: %s started", peer_name(sc->l->peer), what);
	}
	strv_free(argv);
	strv_free(env);
}

static struct script_link describe(const struct link_scripts *sc)
{
	const struct link *l = sc->l;
	return (struct script_link){.peer = peer_name(l->peer),
	                            .ifname = sc->ifname,
	                            .local = sc->local,
	                            .remote = sc->remote,
	                            .local6 = l->attempt.local6,
	                            .server = sc->server,
	                            .dns1 = sc->dns1,
	                            .dns2 = sc->dns2,
	                            .tty = sc->tty,
	                            .speed = sc->speed,
	                            .linkname = peer_linkname(l->peer),
	                            .pppd_pid = sc->pppd_pid};
}

/* The peer's own script, checked again now: a daemon runs for months after the load. */
static void run_peer_script(struct link_scripts *sc, const char *keyword, const char *path, bool up)
{
	char what[160];
	snprintf(what, sizeof(what), "%s %s", keyword, path);
	struct diag *d = diag_new();
	int fd = trusted_file_open(path, 0, d);
	if (fd < 0) {
		log_warn("%s: %s not run: %s", peer_name(sc->l->peer), what,
		         diag_count(d) ? diag_get(d, 0) : "cannot open it");
		diag_free(d);
		return;
	}
	close(fd);
	diag_free(d);
	const struct script_link k = describe(sc);
	struct strv *argv = strv_new();
	strv_push(argv, path);
	start(sc, what, path, argv, script_env_sshdial(&k, up));
}

/* run-parts does nothing for a directory without scripts, and pppd nothing without one. */
static void run_ppp_dir(struct link_scripts *sc, const char *dir)
{
	struct stat st;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return;
	const struct script_link k = describe(sc);
	char what[160];
	snprintf(what, sizeof(what), "%s (run-parts)", dir);
	start(sc, what, RUN_PARTS, script_argv_run_parts(RUN_PARTS, dir, &k), script_env_pppd(&k));
}

void link_scripts_up(struct link *l, const struct hook_event *ev)
{
	bool own = peer_up_script(l->peer) || peer_down_script(l->peer);
	if (!own && !peer_pppd_file(l->peer))
		return;
	struct link_scripts *sc = scripts_of(l);
	if (!sc) {
		log_warn("%s: out of memory: the link's scripts do not run", peer_name(l->peer));
		return;
	}
	snprintf(sc->ifname, sizeof(sc->ifname), "%s", ev->ifname);
	snprintf(sc->local, sizeof(sc->local), "%s", ev->local);
	snprintf(sc->remote, sizeof(sc->remote), "%s", ev->remote);
	snprintf(sc->dns1, sizeof(sc->dns1), "%s", ev->dns1);
	snprintf(sc->dns2, sizeof(sc->dns2), "%s", ev->dns2);
	snprintf(sc->tty, sizeof(sc->tty), "%s", ev->tty);
	snprintf(sc->speed, sizeof(sc->speed), "%s", ev->speed);
	snprintf(sc->server, sizeof(sc->server), "%s", link_server(l) ? link_server(l) : "");
	sc->pppd_pid = l->dial ? (int)link_dial_driver()->pid(l->dial, DIAL_PPPD) : 0;
	sc->up_ran = true;
	if (peer_up_script(l->peer))
		run_peer_script(sc, "up-script", peer_up_script(l->peer), true);
	if (peer_pppd_file(l->peer))
		run_ppp_dir(sc, PPP_IP_UP_D);
}

void link_scripts_down(struct link *l)
{
	struct link_scripts *sc = l->scripts;
	if (!sc || !sc->up_ran)
		return;
	sc->up_ran = false;
	if (peer_down_script(l->peer))
		run_peer_script(sc, "down-script", peer_down_script(l->peer), false);
	if (peer_pppd_file(l->peer))
		run_ppp_dir(sc, PPP_IP_DOWN_D);
}

void link_scripts_done(struct link *l, const struct link_failure *f)
{
	if (!any_running(l->scripts)) {
		l->ops->done(l->arg, f);
		return;
	}
	l->scripts->done_pending = true;
	l->scripts->done_as = f;
}

void link_scripts_free(struct link *l)
{
	struct link_scripts *sc = l->scripts;
	if (!sc)
		return;
	for (size_t i = 0; i < SCRIPT_SLOTS; i++)
		script_run_abandon(sc->slots[i].run);
	free(sc);
	l->scripts = NULL;
}
