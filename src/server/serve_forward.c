/* sshdial serve --forward-only --key NAME: the forced command of a forward-only key.  It
 * runs no pppd and no shell: it holds the session open and sends back every byte the
 * client sends, so a client that probes through its session (the old recipe's loop
 * printing the date, autossh's echo port) gets its answer; sshd itself answers ssh's own
 * keepalives.  The forwards are the authorized_keys line's permitopen and permitlisten,
 * which sshd enforces, session or not. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/serve_forward.h"

#include "lib/exit_status.h"
#include "lib/log.h"
#include "lib/file_write.h"
#include "server/serve_request.h"
#include "server/server_conf.h"

int serve_forward_only_main(int argc, char **argv)
{
	log_open("sshdial-serve", true);
	const char *key = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--forward-only") == 0)
			continue;
		if (strcmp(argv[i], "--key") == 0 && i + 1 < argc &&
		    server_key_name_valid(argv[i + 1])) {
			key = argv[++i];
			continue;
		}
		log_error("serve --forward-only: unexpected '%s'; write the line with 'sshdial "
		          "authorize --forward-only'",
		          argv[i]);
		fprintf(stderr, "sshdial serve: this key's line is not one sshdial wrote\n");
		return EXIT_CONFIG;
	}
	if (!key) {
		log_error("serve --forward-only: no --key NAME; write the line with 'sshdial "
		          "authorize --forward-only'");
		return EXIT_CONFIG;
	}
	const char *cmd = getenv("SSH_ORIGINAL_COMMAND");
	if (cmd) {
		char quoted[128];
		serve_request_quote(cmd, quoted, sizeof(quoted));
		log_warn("key %s: ignored the client's command '%s': this key is for forwards only",
		         key, quoted);
	}
	log_info("key %s: forward-only session open", key);
	char buf[4096];
	for (;;) {
		ssize_t n = read(0, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || write_all(1, buf, (size_t)n) < 0)
			break;
	}
	log_info("key %s: forward-only session closed", key);
	return EXIT_OK;
}
