/* sshdial up|down|restart|status|reload: one request to the daemon's control socket, its
 * answer printed, and the exit status that `call` would give for the same outcome. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "ctl/ctl_client.h"
#include "ctl/ctl_request.h"
#include "lib/log.h"
#include "lib/textbuf.h"
#include "lib/file_write.h"

static int exit_of(enum ctl_status st)
{
	switch (st) {
	case CTL_OK:
		return EXIT_OK;
	case CTL_PERMANENT:
		return EXIT_PERMANENT;
	case CTL_SYSTEM:
		return EXIT_SYSTEM;
	case CTL_NOT_UP:
		return EXIT_NOT_UP;
	default:
		return EXIT_CONFIG;
	}
}

static void usage(FILE *f, const char *verb)
{
	if (strcmp(verb, "status") == 0)
		fprintf(f, "usage: sshdial status [--json] [PEER]\n");
	else if (strcmp(verb, "reload") == 0)
		fprintf(f, "usage: sshdial reload\n");
	else if (strcmp(verb, "down") == 0)
		fprintf(f, "usage: sshdial down PEER\n");
	else
		fprintf(f, "usage: sshdial %s [--timeout SECONDS] PEER\n", verb);
}

int cmd_ctl(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
	                                     {"timeout", required_argument, NULL, 't'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *verb = argv[0];
	struct ctl_request rq = {0};
	double timeout_s = 120;
	int opt;
	while ((opt = getopt_long(argc, argv, "jt:h", opts, NULL)) != -1) {
		char *end;
		switch (opt) {
		case 'j':
			rq.json = true;
			break;
		case 't':
			timeout_s = strtod(optarg, &end);
			if (*end || timeout_s < 0) {
				log_error("--timeout: '%s' is not a number of seconds", optarg);
				return EXIT_CONFIG;
			}
			break;
		case 'h':
			usage(stdout, verb);
			return EXIT_OK;
		default:
			usage(stderr, verb);
			return EXIT_CONFIG;
		}
	}
	for (int i = 0; i < CTL_VERB_COUNT; i++)
		if (strcmp(verb, ctl_verb_name((enum ctl_verb)i)) == 0)
			rq.verb = (enum ctl_verb)i;
	if (optind < argc)
		snprintf(rq.peer, sizeof(rq.peer), "%s", argv[optind++]);
	char line[CTL_REQUEST_MAX + 2], why[128];
	int n = ctl_request_format(&rq, line, sizeof(line));
	struct ctl_request check;
	if (optind != argc || (rq.json && rq.verb != CTL_STATUS) || n < 0 ||
	    ctl_request_parse(line, (size_t)n - 1, &check, why, sizeof(why)) < 0) {
		usage(stderr, verb);
		return EXIT_CONFIG;
	}
	int fd = ctl_client_connect();
	if (fd < 0)
		return errno == EACCES || errno == EPERM ? EXIT_CONFIG : EXIT_SYSTEM;
	struct textbuf in = {0};
	int status = EXIT_SYSTEM;
	bool waits = rq.verb == CTL_UP || rq.verb == CTL_RESTART;
	/* On a terminal, up and restart show the states as they pass; scripts see only the
	 * answer, as before. */
	if (write_all(fd, line, (size_t)n) < 0) {
		log_error("cannot send to %s: %s", CTL_SOCKET, strerror(errno));
	} else if (ctl_client_read_answer(fd, &in, waits ? timeout_s : 0,
	                                  waits && isatty(STDOUT_FILENO) ? rq.peer : NULL) < 0) {
		if (waits)
			log_error(
			    "%s: not up within %.0f s; the daemon keeps dialing ('sshdial status "
			    "%s' says why)",
			    rq.peer, timeout_s, rq.peer);
		else
			log_error("no answer from %s: %s", CTL_SOCKET, strerror(errno));
		status = waits ? EXIT_CONFIG : EXIT_SYSTEM;
	} else {
		char *nl = in.data ? memchr(in.data, '\n', in.len) : NULL;
		enum ctl_status st;
		if (!nl || ctl_reply_head_parse(in.data, (size_t)(nl - in.data), &st) < 0) {
			log_error("the daemon's answer makes no sense%s",
			          in.len ? "" : " (it closed the connection: not allowed?)");
		} else {
			fputs(nl + 1, st == CTL_OK || st == CTL_NOT_UP ? stdout : stderr);
			status = exit_of(st);
		}
	}
	textbuf_free(&in);
	close(fd);
	return status;
}
