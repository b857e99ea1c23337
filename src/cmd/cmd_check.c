/* sshdial check PEER|FILE: validates a peer as 'call' would load it, without dialing.
 * --leaks: then asks the kernel where traffic would go (leakcheck.h). */
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
#include "cmd/peer_checks.h"
#include "net/leakcheck.h"

static void check_usage(FILE *f)
{
	fputs("usage: sshdial check [--peers-dir DIR] [--leaks] PEER|FILE\n", f);
}

/* The system's first resolver, from /etc/resolv.conf; family 0 when there is none. */
static struct net_addr first_resolver(void)
{
	struct net_addr a = {0};
	char line[256], ns[64];
	FILE *f = fopen("/etc/resolv.conf", "re");

	while (f && !a.family && fgets(line, sizeof(line), f))
		if (sscanf(line, " nameserver %63s", ns) == 1) {
			struct addrinfo hints = {.ai_flags = AI_NUMERICHOST}, *res;
			if (getaddrinfo(ns, NULL, &hints, &res) == 0) {
				const void *bytes =
				    res->ai_family == AF_INET
				        ? (const void *)&((struct sockaddr_in *)res->ai_addr)
				              ->sin_addr
				        : (const void *)&((struct sockaddr_in6 *)res->ai_addr)
				              ->sin6_addr;
				net_addr_set(&a, res->ai_family, bytes,
				             res->ai_family == AF_INET ? 4 : 16);
				freeaddrinfo(res);
			}
		}
	if (f)
		fclose(f);
	return a;
}

/* check --leaks: a command line tool, so resolving the server's name may block. */
static int check_leaks(const struct peer *p)
{
	const struct passwd *pw = peer_local_user(p) ? getpwnam(peer_local_user(p)) : NULL;
	struct leakcheck_input in = {.ssh_port = (uint16_t)(peer_port(p) ? peer_port(p) : 22),
	                             .resolver = first_resolver()};
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;

	if (!pw) {
		fprintf(stderr,
		        "%s: --leaks needs local-user, whose uid keeps ssh outside the link\n",
		        peer_name(p));
		return EXIT_CONFIG;
	}
	in.ssh_uid = (uint32_t)pw->pw_uid;
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
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *peers_dir = getenv("SSHDIAL_PEERS");
	int opt;
	bool leaks = false;
	optind = 0; /* glibc: start afresh, whatever parsed an argv before */
	while ((opt = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
		if (opt == 'p') {
			peers_dir = optarg;
		} else if (opt == 'l') {
			leaks = true;
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
	if (status == EXIT_OK)
		printf("%s: configuration OK\n", peer_name(p));
	if (status == EXIT_OK && leaks)
		status = check_leaks(p);
	else if (status != EXIT_OK)
		diag_print(d, stderr);
	peer_free(p);
	diag_free(d);
	return status;
}
