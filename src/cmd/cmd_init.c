/* sshdial init PEER: a working peer in one command.  Its arguments, read here; the work
 * (the host key, the peer's key, known_hosts and peer file, check's checks) is
 * conf/peer_init.c's. */
#include "cmd/commands.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf/config.h"
#include "conf/peer_init.h"
#include "lib/log.h"

static void init_usage(FILE *f)
{
	fputs(
	    "usage: sshdial init PEER --host HOST [--port N] --ssh-user USER --local-user ACCOUNT\n"
	    "                    [--route CIDR]... [--route-all]\n"
	    "                    [--accept-new-host-key | --host-key-fingerprint SHA256:...]\n"
	    "                    [--identity PATH] [--force] [--peers-dir DIR] [--keys-dir DIR]\n",
	    f);
}

static int parse_args(struct peer_init_spec *in, int argc, char **argv)
{
	enum {
		O_HOST = 256,
		O_PORT,
		O_SSH_USER,
		O_LOCAL_USER,
		O_ROUTE,
		O_ROUTE_ALL,
		O_ACCEPT,
		O_FP,
		O_IDENTITY,
		O_FORCE,
		O_PEERS,
		O_KEYS
	};
	static const struct option opts[] = {
	    {"host", required_argument, NULL, O_HOST},
	    {"port", required_argument, NULL, O_PORT},
	    {"ssh-user", required_argument, NULL, O_SSH_USER},
	    {"local-user", required_argument, NULL, O_LOCAL_USER},
	    {"route", required_argument, NULL, O_ROUTE},
	    {"route-all", no_argument, NULL, O_ROUTE_ALL},
	    {"accept-new-host-key", no_argument, NULL, O_ACCEPT},
	    {"host-key-fingerprint", required_argument, NULL, O_FP},
	    {"identity", required_argument, NULL, O_IDENTITY},
	    {"force", no_argument, NULL, O_FORCE},
	    {"peers-dir", required_argument, NULL, O_PEERS},
	    {"keys-dir", required_argument, NULL, O_KEYS},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	int opt;
	char *end;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case O_HOST:
			in->host = optarg;
			break;
		case O_PORT:
			errno = 0;
			unsigned long port = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || port == 0 || port > 65535) {
				log_error("init: --port '%s': give a TCP port, 1 to 65535", optarg);
				return -1;
			}
			in->port = (unsigned)port;
			break;
		case O_SSH_USER:
			in->ssh_user = optarg;
			break;
		case O_LOCAL_USER:
			in->local_user = optarg;
			break;
		case O_ROUTE:
			strv_push(in->routes, optarg);
			break;
		case O_ROUTE_ALL:
			in->route_all = true;
			break;
		case O_ACCEPT:
			in->accept_new = true;
			break;
		case O_FP:
			in->fingerprint = optarg;
			break;
		case O_IDENTITY:
			in->identity = optarg;
			break;
		case O_FORCE:
			in->force = true;
			break;
		case O_PEERS:
			in->peers_dir = optarg;
			break;
		case O_KEYS:
			in->keys_dir = optarg;
			break;
		case 'h':
			init_usage(stdout);
			exit(EXIT_OK);
		default:
			init_usage(stderr);
			return -1;
		}
	}
	if (optind != argc - 1) {
		log_error("init: name one peer (sshdial init PEER --host ...)");
		init_usage(stderr);
		return -1;
	}
	in->peer = argv[optind];
	return 0;
}
int cmd_init(int argc, char **argv)
{
	struct peer_init_spec in = {.peers_dir = getenv("SSHDIAL_PEERS"),
	                            .keys_dir = SSHDIAL_KEYS_DIR};
	in.routes = strv_new();
	int status = EXIT_CONFIG;
	if (parse_args(&in, argc, argv) == 0) {
		if (!in.peers_dir || !*in.peers_dir)
			in.peers_dir = SSHDIAL_PEERS_DIR;
		status = peer_init(&in);
	}
	strv_free(in.routes);
	return status;
}
