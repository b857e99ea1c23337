/* sshdial check PEER|FILE: validates a peer as 'call' would load it, without dialing. */
#include "cmd/commands.h"

#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/config.h"
#include "lib/diag.h"
#include "conf/secret.h"

static void check_usage(FILE *f)
{
	fputs("usage: sshdial check [--peers-dir DIR] PEER|FILE\n", f);
}

/* What only this machine can tell: the account exists, the secret can be found.  The
 * secret is looked up only where this user may read it (check need not run as root). */
static void check_system(const struct peer *p, struct diag *d)
{
	const char *user = peer_local_user(p);
	if (user && !getpwnam(user))
		diag_add(d, peer_file(p), 0,
		         "local-user: there is no account '%s' on this system; name an existing "
		         "one",
		         user);
	const char *path = peer_secret_path(p);
	if (peer_secret_source(p) == SECRET_NONE || !path || access(path, R_OK) != 0)
		return;
	char secret[SECRET_MAX];
	(void)secret_read_diag(p, secret, sizeof(secret), d);
	explicit_bzero(secret, sizeof(secret));
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {{"peers-dir", required_argument, NULL, 'p'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *peers_dir = getenv("SSHDIAL_PEERS");
	int opt;
	optind = 0; /* glibc: start afresh, whatever parsed an argv before */
	while ((opt = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
		if (opt == 'p') {
			peers_dir = optarg;
		} else {
			check_usage(opt == 'h' ? stdout : stderr);
			return opt == 'h' ? EXIT_OK : EXIT_CONFIG;
		}
	}
	if (optind != argc - 1) {
		check_usage(stderr);
		return EXIT_CONFIG;
	}
	if (peers_dir && !*peers_dir)
		peers_dir = NULL;
	struct diag *d = diag_new();
	struct peer *p = peer_load(argv[optind], peers_dir, NULL, NULL, d);
	if (p)
		check_system(p, d);
	int status = diag_count(d) ? EXIT_CONFIG : EXIT_OK;
	if (status == EXIT_OK)
		printf("%s: configuration OK\n", peer_name(p));
	else
		diag_print(d, stderr);
	peer_free(p);
	diag_free(d);
	return status;
}
