/* sshdial check PEER|FILE: validates a peer as 'call' would load it, without dialing.
 * --leaks: then asks the kernel where traffic would go (leakcheck.h).  --dial: then logs
 * in once and says what the server's forced command answered (check_dial.h). */
#include "cmd/commands.h"

#include <getopt.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/config.h"
#include "lib/diag.h"
#include "lib/log.h"
#include "cmd/check_dial.h"
#include "conf/peer_checks.h"
#include "lib/text.h"
#include "netconf/leakcheck.h"

static void check_usage(FILE *f)
{
	fputs("usage: sshdial check [--peers-dir DIR] [--leaks] [--dial] PEER|FILE\n", f);
}

/* A pty command without local-user runs as uid 0: said plainly, with the way out. */
static void pty_as_root_warning(const struct peer *p, const char *peers_dir)
{
	const char *dir = peers_dir ? peers_dir : SSHDIAL_PEERS_DIR;
	bool pppd_file = str_has_prefix(peer_file(p), PPPD_PEERS_DIR "/");
	printf("%s: warning: the pty command runs as uid 0, without capabilities but owning "
	       "root's files: whoever controls that command or the ssh it runs controls root. "
	       "Run it as an unprivileged account: %s%s%s%s%s\n",
	       peer_name(p),
	       pppd_file ? "write an sshdial peer file " : "add 'local-user NAME' to ",
	       pppd_file ? dir : peer_file(p), pppd_file ? "/" : "", pppd_file ? peer_name(p) : "",
	       pppd_file ? " with the same pty command, 'local-user NAME' and the PAP settings "
	                   "(it takes the place of the pppd peer file)"
	                 : " (that account's keys and known_hosts then serve the command)");
}

/* check --leaks: a command line tool, so resolving the server's name may block. */
static int check_leaks(const struct peer *p)
{
	const struct passwd *pw = peer_local_user(p) ? getpwnam(peer_local_user(p)) : NULL;
	struct leakcheck_input in = {.ssh_port = (uint16_t)(peer_port(p) ? peer_port(p) : 22)};
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	char source[400];

	if (!pw) {
		fprintf(stderr,
		        "%s: --leaks needs local-user, whose uid keeps ssh outside the link\n",
		        peer_name(p));
		return EXIT_CONFIG;
	}
	in.ssh_uid = (uint32_t)pw->pw_uid;
	in.ndns = dns_targets_system(in.dns, DNS_TARGETS_MAX, source, sizeof(source));
	in.dns_source = source;
	int err = peer_host(p) ? getaddrinfo(peer_host(p), NULL, &hints, &res) : EAI_NONAME;
	if (err == 0) {
		const void *bytes =
		    res->ai_family == AF_INET
		        ? (const void *)&((struct sockaddr_in *)res->ai_addr)->sin_addr
		        : (const void *)&((struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
		net_addr_set(&in.server, res->ai_family, bytes, res->ai_family == AF_INET ? 4 : 16);
		freeaddrinfo(res);
	} else {
		printf("%s: ssh's connection not checked: %s: %s\n", peer_name(p),
		       peer_host(p) ? peer_host(p) : "(no host)", gai_strerror(err));
	}
	if (!peer_route_all(p))
		printf("%s: route-all is off: only the peer's routes go through the link\n",
		       peer_name(p));
	int leaks = leakcheck_run(&in, stdout);
	if (leaks < 0)
		return EXIT_SYSTEM;
	if (leaks) {
		printf("%s: %d leak%s\n", peer_name(p), leaks, leaks == 1 ? "" : "s");
		return EXIT_PERMANENT;
	}
	printf("%s: no leak\n", peer_name(p));
	return EXIT_OK;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {{"peers-dir", required_argument, NULL, 'p'},
	                                     {"leaks", no_argument, NULL, 'l'},
	                                     {"dial", no_argument, NULL, 'd'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *peers_dir = getenv("SSHDIAL_PEERS");
	int opt;
	bool leaks = false, dial = false;
	optind = 0; /* glibc: start afresh, whatever parsed an argv before */
	while ((opt = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
		if (opt == 'p') {
			peers_dir = optarg;
		} else if (opt == 'l') {
			leaks = true;
		} else if (opt == 'd') {
			dial = true;
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
	struct peer *p = peer_check_load(argv[optind], peers_dir, d, stderr);
	int status = diag_count(d) ? EXIT_CONFIG : EXIT_OK;
	/* A pppd peer file's options that sshdial does itself, and what does their job. */
	const struct strv *notes = p ? peer_notes(p) : NULL;
	for (size_t i = 0; status == EXIT_OK && notes && i < strv_len(notes); i++)
		log_print_line(stdout, strv_get(notes, i));
	if (status == EXIT_OK)
		printf("%s: configuration OK\n", peer_name(p));
	if (status == EXIT_OK && peer_pty_command(p) && !peer_local_user(p))
		pty_as_root_warning(p, peers_dir);
	if (status != EXIT_OK)
		diag_print(d, stderr);
	if (status == EXIT_OK && leaks)
		status = check_leaks(p);
	if (status == EXIT_OK && dial)
		status = check_dial(p);
	peer_free(p);
	diag_free(d);
	return status;
}
