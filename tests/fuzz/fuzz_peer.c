/* sshdial peer files (/etc/sshdial/peers/NAME): config_load_file's three calls, line by
 * line, then what sshdial call builds from an accepted peer (the ssh and pppd argv). */
#include <stdlib.h>
#include <string.h>

#include "lib/cidr.h"
#include "conf/config.h"
#include "lib/diag.h"
#include "fuzz_util.h"
#include "link/pppd_argv.h"
#include "link/ssh_argv.h"
#include "lib/strv.h"

static void peer_line(void *arg, const char *line, unsigned lineno)
{
	config_read_line(arg, line, lineno);
}

static void use_peer(const struct peer *p)
{
	char buf[CIDR_STRLEN];
	for (size_t i = 0; i < peer_route_count(p); i++)
		cidr_format(peer_route(p, i), buf, sizeof(buf));
	struct strv *ssh = ssh_argv_build(p);
	/* Each server's command line has "-- HOST": a host never reaches ssh as an option,
	 * and is the one the peer file gave. */
	for (size_t i = 0; i < peer_server_count(p); i++) {
		struct strv *v = ssh_argv_build_server(p, i);
		const char *host = peer_server_host(p, i);
		size_t at = 0;
		while (at < strv_len(v) && strcmp(strv_get(v, at), "--") != 0)
			at++;
		if (at + 1 >= strv_len(v) || strcmp(strv_get(v, at + 1), host) != 0 ||
		    host[0] == '-' || peer_server_port(p, i) > 65535)
			abort();
		strv_free(v);
	}
	const struct pppd_params params = {.tty = "/dev/pts/7",
	                                   .passwordfd = 3,
	                                   .logfd = 4,
	                                   .ip_up = "/run/sshdial/sshdial-ip-up",
	                                   .ip_down = "/run/sshdial/sshdial-ip-down"};
	struct strv *pppd = pppd_argv_build(p, &params);
	strv_free(ssh);
	strv_free(pppd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag *d = diag_new();
	struct config_reader *r = config_read_init("office", "/etc/sshdial/peers/office", d);
	fuzz_lines(data, size, peer_line, r);
	struct peer *p = config_read_finish(r);
	if (p)
		use_peer(p);
	else if (diag_count(d) == 0)
		abort(); /* a refused peer file must say why */
	peer_free(p);
	diag_free(d);
	return 0;
}
