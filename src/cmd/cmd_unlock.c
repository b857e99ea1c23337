/* sshdial unlock PEER: asks the running `sshdial call PEER` (its control socket
 * /run/sshdial/PEER.sock) to lift route-all's kill switch while the link is down.  The
 * request is one datagram, "event=unlock\npeer=PEER\n" (hook_event.h), from root; the
 * answer is "ok" or "error: WHY". */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "conf/config.h"
#include "ctl/control.h"
#include "ctl/hook_event.h"
#include "ctl/rundir.h"
#include "lib/err.h"
#include "lib/log.h"

#define UNLOCK_TIMEOUT_MS 5000

int cmd_unlock(int argc, char **argv)
{
	struct hook_event ev = {.kind = HOOK_UNLOCK};
	char sock[108];

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr,
		        "usage: sshdial unlock PEER\n"
		        "lift route-all's kill switch of a running 'sshdial call PEER' while its "
		        "link is down\n");
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
	if (access(sock, F_OK) < 0 && errno == ENOENT) {
		log_error("unlock: %s: not being dialed (no %s); start it with 'sshdial call %s'",
		          ev.peer, sock, ev.peer);
		return EXIT_CONFIG;
	}
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
