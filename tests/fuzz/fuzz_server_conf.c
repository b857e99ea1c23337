/* server.conf (/etc/sshdial/server.conf): server_conf_load's three calls, line by line;
 * for an accepted file, what serve and its hook ask of it: each key's settings and the
 * pppd command line serve execs with them, and pool membership. */
#include <arpa/inet.h>
#include <stdlib.h>

#include "lib/diag.h"
#include "fuzz_util.h"
#include "server/serve_pppd.h"
#include "server/server_conf.h"
#include "lib/strv.h"

static void conf_line(void *arg, const char *line, unsigned lineno)
{
	server_conf_read_line(arg, line, lineno);
}

static void use_key(const struct server_conf *c, const char *name)
{
	struct key_settings k;
	struct diag *d = diag_new();
	if (server_conf_resolve(c, name, NULL, NULL, 0, &k, d)) {
		const struct serve_pppd_params p = {
		    .local = server_conf_local(c),
		    .remote = k.has_address ? k.address : server_conf_local(c),
		    .echo_interval = server_conf_echo_interval(c),
		    .echo_failure = server_conf_echo_failure(c),
		    .log_file = server_conf_log_file(c),
		};
		strv_free(serve_pppd_argv(&k, &p));
		if (k.has_address)
			(void)server_conf_address_fixed(c, k.address);
	} else if (diag_count(d) == 0) {
		abort(); /* a refusal must say why */
	}
	diag_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag *d = diag_new();
	struct server_conf_reader *r = server_conf_read_init("/etc/sshdial/server.conf", d);
	fuzz_lines(data, size, conf_line, r);
	struct server_conf *c = server_conf_read_finish(r);
	if (c) {
		static const char *const names[] = {"office", "laptop", "branch-office", "x"};
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			(void)server_conf_has_key(c, names[i]);
			use_key(c, names[i]);
		}
		struct in_addr a;
		inet_pton(AF_INET, "192.168.77.10", &a);
		(void)server_conf_in_pool(c, a);
		(void)server_conf_lease_dir(c);
	} else if (diag_count(d) == 0) {
		abort();
	}
	server_conf_free(c);
	diag_free(d);
	return 0;
}
