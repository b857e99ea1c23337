/* sshdial authorize: print the authorized_keys line that runs sshdial serve for one key;
 * with --install, prepare the server once (as root). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/authorized_keys.h"
#include "cmd/commands.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/proc.h"
#include "server/serve_install.h"
#include "server/server_conf.h"
#include "lib/xalloc.h"

struct authorize {
	const char *key_file;
	const char *name;
	const char *config;
	const char *sshdial;
	bool old_sshd;
	bool install;
	bool forward_only;
	bool ppp_options; /* a PPP setting was given: not for --forward-only */
	struct strv *permit_open, *permit_listen;
	struct key_options *opts;
	struct strv *serve; /* "--KEYWORD" "VALUE" pairs for the line, in the order given */
};

static void authorize_usage(FILE *f)
{
	fprintf(f, "usage: sshdial authorize --key FILE.pub --name NAME [--ip ADDRESS] [--mtu N]\n"
	           "                         [--mru N] [--dns ADDRESS]... [--pap yes|no]\n"
	           "                         [--proxyarp yes|no] [--old-sshd] [--config FILE]\n"
	           "                         [--sshdial PATH] [--permit-open HOST:PORT]...\n"
	           "                         [--permit-listen [HOST:]PORT]...\n"
	           "       sshdial authorize --key FILE.pub --name NAME --forward-only\n"
	           "                         --permit-open HOST:PORT... [--permit-listen PORT]...\n"
	           "       sshdial authorize --install [--config FILE]\n");
}

/* A .pub file is small; anything larger is not one. */
static char *read_key_file(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		err_log_errno(errno, "--key %s: cannot open", path);
		return NULL;
	}
	char *buf = xmalloc(16384);
	size_t n = fread(buf, 1, 16383, f);
	bool big = n == 16383 && fgetc(f) != EOF;
	fclose(f);
	buf[n] = '\0';
	if (big || strlen(buf) != n) {
		log_error("--key %s: not a public key file (too large, or binary)", path);
		free(buf);
		return NULL;
	}
	return buf;
}

static int add_option(struct authorize *a, const char *keyword, const char *value)
{
	struct diag *d = diag_new();
	bool ok = key_options_add(a->opts, keyword, value, NULL, 0, d);
	for (size_t i = 0; i < diag_count(d); i++)
		log_error("%s", diag_get(d, i));
	diag_free(d);
	if (ok) {
		strv_pushf(a->serve, "--%s", keyword);
		strv_push(a->serve, value);
	}
	return ok ? 0 : -1;
}

static int parse_args(struct authorize *a, int argc, char **argv)
{
	enum { O_CONFIG = 256, O_SSHDIAL, O_OLD, O_INSTALL, O_FWD_ONLY, O_OPEN, O_LISTEN };
	static const struct option opts[] = {{"key", required_argument, NULL, 'k'},
	                                     {"name", required_argument, NULL, 'n'},
	                                     {"ip", required_argument, NULL, 'a'},
	                                     {"address", required_argument, NULL, 'a'},
	                                     {"mtu", required_argument, NULL, 'm'},
	                                     {"mru", required_argument, NULL, 'r'},
	                                     {"dns", required_argument, NULL, 'd'},
	                                     {"pap", required_argument, NULL, 'p'},
	                                     {"proxyarp", required_argument, NULL, 'x'},
	                                     {"old-sshd", no_argument, NULL, O_OLD},
	                                     {"config", required_argument, NULL, O_CONFIG},
	                                     {"sshdial", required_argument, NULL, O_SSHDIAL},
	                                     {"install", no_argument, NULL, O_INSTALL},
	                                     {"forward-only", no_argument, NULL, O_FWD_ONLY},
	                                     {"permit-open", required_argument, NULL, O_OPEN},
	                                     {"permit-listen", required_argument, NULL, O_LISTEN},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	static const struct {
		int opt;
		const char *keyword;
	} keyword_of[] = {{'a', "address"}, {'m', "mtu"}, {'r', "mru"},
	                  {'d', "dns"},     {'p', "pap"}, {'x', "proxyarp"}};
	int opt, bad = 0;
	while ((opt = getopt_long(argc, argv, "k:n:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'k':
			a->key_file = optarg;
			break;
		case 'n':
			a->name = optarg;
			break;
		case O_CONFIG:
			a->config = optarg;
			break;
		case O_SSHDIAL:
			a->sshdial = optarg;
			break;
		case O_OLD:
			a->old_sshd = true;
			break;
		case O_INSTALL:
			a->install = true;
			break;
		case O_FWD_ONLY:
			a->forward_only = true;
			break;
		case O_OPEN:
			strv_push(a->permit_open, optarg);
			break;
		case O_LISTEN:
			strv_push(a->permit_listen, optarg);
			break;
		case 'h':
			authorize_usage(stdout);
			exit(EXIT_OK);
		case '?':
			authorize_usage(stderr);
			return -1;
		default:
			a->ppp_options = true;
			for (size_t i = 0; i < sizeof(keyword_of) / sizeof(keyword_of[0]); i++)
				if (keyword_of[i].opt == opt)
					bad |= add_option(a, keyword_of[i].keyword, optarg);
		}
	}
	if (optind != argc) {
		log_error("unexpected argument '%s'", argv[optind]);
		authorize_usage(stderr);
		return -1;
	}
	return bad;
}

static struct server_conf *load_conf(const char *path)
{
	struct diag *d = diag_new();
	struct server_conf *c = server_conf_load(path, d);
	diag_print(d, stderr);
	diag_free(d);
	if (!c)
		log_error("fix %s first: the line is checked against it (see sshdial-server(5))",
		          path);
	return c;
}

/* A forward-only key: no pppd, so no PPP setting and no server.conf; some forward. */
static bool forward_only_valid(const struct authorize *a)
{
	if (a->ppp_options) {
		log_error("--forward-only: the key runs no pppd, so --ip, --mtu, --mru, --dns, "
		          "--pap and --proxyarp mean nothing for it; remove them");
		return false;
	}
	if (strv_len(a->permit_open) + strv_len(a->permit_listen) == 0) {
		log_error("--forward-only: name the forwards the key gets with --permit-open "
		          "HOST:PORT (and --permit-listen PORT for remote forwards)");
		return false;
	}
	return true;
}

static int print_line(struct authorize *a, const struct server_conf *c)
{
	char exe[PATH_MAX];
	struct err why;
	if (!a->key_file || !a->name) {
		log_error("both --key FILE.pub and --name NAME are needed");
		return EXIT_CONFIG;
	}
	if (a->forward_only && !forward_only_valid(a))
		return EXIT_CONFIG;
	if (!server_key_name_valid(a->name)) {
		log_error(
		    "--name '%s': not a valid key name (it would break the line or the logs); "
		    "use at most 32 letters, digits, '.', '_' and '-', not starting with '.'",
		    a->name);
		return EXIT_CONFIG;
	}
	struct diag *d = diag_new();
	bool ok = a->forward_only || key_options_check(a->opts, c, a->name, NULL, 0, d);
	for (size_t i = 0; i < diag_count(d); i++)
		log_error("%s", diag_get(d, i));
	diag_free(d);
	if (!ok)
		return EXIT_CONFIG;
	char *text = read_key_file(a->key_file);
	char *key = text ? authorized_key_check(text, &why) : NULL;
	free(text);
	if (!key) {
		if (text)
			err_log(err_where(&why, "--key %s", a->key_file));
		return EXIT_CONFIG;
	}
	if (!a->sshdial) {
		/* Left empty when unknown: authorized_keys_line refuses a path not from /. */
		if (self_exe(exe, sizeof(exe)) < 0)
			exe[0] = '\0';
		a->sshdial = exe;
	}
	const struct authorize_spec spec = {.sshdial = a->sshdial,
	                                    .name = a->name,
	                                    .serve = a->serve,
	                                    .old_sshd = a->old_sshd,
	                                    .permit_open = a->permit_open,
	                                    .permit_listen = a->permit_listen,
	                                    .forward_only = a->forward_only};
	char *line = authorized_keys_line(&spec, key, &why);
	free(key);
	if (!line) {
		err_log(&why);
		return EXIT_CONFIG;
	}
	printf("%s\n", line);
	free(line);
	return EXIT_OK;
}

int cmd_authorize(int argc, char **argv)
{
	struct authorize a = {.config = SERVER_CONF_PATH};
	a.opts = key_options_new();
	a.serve = strv_new();
	a.permit_open = strv_new();
	a.permit_listen = strv_new();
	int status = EXIT_CONFIG;
	if (parse_args(&a, argc, argv) < 0)
		goto out;
	/* --install comes before server.conf in the README's steps: none yet is fine. */
	struct server_conf *c = (a.install && access(a.config, F_OK) != 0) || a.forward_only
	                            ? NULL
	                            : load_conf(a.config);
	if (a.install) {
		/* Without a server.conf yet, the leases go to the default place. */
		status = serve_install(c ? server_conf_lease_dir(c) : SERVER_LEASE_DIR) == 0
		             ? EXIT_OK
		             : EXIT_SYSTEM;
	} else if (c || a.forward_only) {
		status = print_line(&a, c);
	}
	server_conf_free(c);
out:
	key_options_free(a.opts);
	strv_free(a.serve);
	strv_free(a.permit_open);
	strv_free(a.permit_listen);
	return status;
}
