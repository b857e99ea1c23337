/* pppd peer files (/etc/ppp/peers/NAME) of the classic recipe: pppd_peer_parse, which
 * pppd_peer_load calls with the file's text, then the argv sshdial call builds. */
#include <stdlib.h>

#include "conf/config.h"
#include "lib/diag.h"
#include "fuzz_util.h"
#include "link/pppd_argv.h"
#include "conf/pppd_peer.h"
#include "link/ssh_argv.h"
#include "lib/strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strdup(data, size);
	struct diag *d = diag_new();
	struct peer *p =
	    pppd_peer_parse("office", "/etc/ppp/peers/office", text, "/etc/ppp/pap-secrets", d);
	if (p) {
		const struct pppd_params params = {.tty = "/dev/pts/7",
		                                   .passwordfd = 3,
		                                   .logfd = 4,
		                                   .ip_up = "/run/sshdial/sshdial-ip-up",
		                                   .ip_down = "/run/sshdial/sshdial-ip-down"};
		strv_free(ssh_argv_build(p));
		strv_free(pppd_argv_build(p, &params));
	} else if (diag_count(d) == 0) {
		abort(); /* a refused peer file must say why */
	}
	peer_free(p);
	diag_free(d);
	free(text);
	return 0;
}
