/* sshdial unlock PEER: asks whoever holds PEER's kill switch, a `sshdial call PEER` or the
 * daemon (the peer's control socket /run/sshdial/PEER.sock, which the daemon keeps while it
 * runs the peer or holds its kill switch), to lift it while the link is down.  The request
 * is one datagram, "event=unlock\npeer=PEER\n" (hook_event.h), from root; the answer is
 * "ok" or "error: WHY".  With no one there, a kill switch left in force (a dead run's
 * journal, or a lockdown of kill-switch always, ctl/lockdown.h) is lifted here. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "conf/config.h"
#include "ctl/control.h"
#include "ctl/hook_event.h"
#include "ctl/lockdown.h"
#include "ctl/rundir.h"
#include "lib/err.h"
#include "lib/log.h"
#include "netconf/netconf.h"

#define UNLOCK_TIMEOUT_MS 5000

/* No sshdial runs the peer: a kill switch a dead run left in force, or a lockdown record,
 * is lifted by this process, under the peer's lock. */
static int unlock_here(const char *peer)
{
	char journal[108];
	rundir_path(journal, sizeof(journal), peer, "journal");
	bool stale = access(journal, F_OK) == 0, marked = lockdown_marked(peer);
	if (!stale && !marked) {
		log_error(
		    "unlock: %s: no kill switch of its is in force (no sshdial call or daemon "
		    "runs it, and nothing was left); nothing to unlock",
		    peer);
		return EXIT_CONFIG;
	}
	if (stale) {
		pid_t holder;
		int lock = rundir_lock(peer, &holder);
		if (lock < 0) {
			log_error(
			    "unlock: %s: its files are held by pid %d, which does not answer on "
			    "its socket; try again, or stop it",
			    peer, (int)holder);
			return EXIT_SYSTEM;
		}
		struct netconf *nc = netconf_open(peer, journal); /* undoes what is left */
		if (!nc) {
			rundir_unlock(peer, lock);
			return EXIT_SYSTEM;
		}
		netconf_close(nc);
		rundir_unlock(peer, lock);
	}
	if (lockdown_clear(peer) < 0)
		return EXIT_SYSTEM;
	printf("%s: unlocked: its kill switch is lifted; traffic takes the underlying network "
	       "until 'sshdial up %s' or 'sshdial call %s'\n",
	       peer, peer, peer);
	return EXIT_OK;
}

int cmd_unlock(int argc, char **argv)
{
	struct hook_event ev = {.kind = HOOK_UNLOCK};
	char sock[108];

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(
		    argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr,
		    "usage: sshdial unlock PEER\n"
		    "lift route-all's kill switch of PEER while its link is down (sshdial call, "
		    "the daemon, or a kill switch left in force, kill-switch always's "
		    "included)\n");
		return argc == 2 && strcmp(argv[1], "--help") == 0 ? EXIT_OK : EXIT_CONFIG;
	}
	if (!peer_name_valid(argv[1])) {
		log_error("unlock: '%s' is not a peer name", argv[1]);
		return EXIT_CONFIG;
	}
	if (geteuid() != 0) {
		log_error("unlock: %s: only root may unlock a peer; run it with sudo", argv[1]);
		return EXIT_SYSTEM;
	}
	snprintf(ev.peer, sizeof(ev.peer), "%s", argv[1]);
	rundir_path(sock, sizeof(sock), ev.peer, "sock");
	if (access(sock, F_OK) < 0 && errno == ENOENT)
		return unlock_here(ev.peer);
	struct err e;
	err_clear(&e);
	if (control_send_hook(sock, &ev, UNLOCK_TIMEOUT_MS, &e) < 0) {
		err_log(err_where(&e, "unlock: %s", ev.peer));
		return EXIT_CONFIG;
	}
	printf("%s: unlocked: traffic takes the underlying network until the link is up\n",
	       ev.peer);
	return EXIT_OK;
}
