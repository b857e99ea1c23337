/* The pppd command line for a peer: pure, so that it can be tested without running pppd. */
#ifndef SSHDIAL_PPPD_ARGV_H
#define SSHDIAL_PPPD_ARGV_H

#include "conf/config.h"
#include "conf/pppd_options.h"
#include "lib/strv.h"

/* The plugin that gives pppd the L2TP session of transport frames (link/pppd_plugin.h
 * finds where pppd looks for it). */
#define PPPD_FRAMES_PLUGIN "pppol2tp.so"

struct pppd_params {
	const char *tty;     /* the pseudo-terminal's slave side; NULL with channelfd */
	int channelfd;       /* transport frames: the L2TP session's socket in pppd; 0: none */
	int passwordfd;      /* descriptor holding the PAP secret, or -1 */
	int logfd;           /* descriptor for pppd's log */
	const char *ip_up;   /* sshdial's hook, run by pppd as ip-up-script */
	const char *ip_down; /* and as ip-down-script */
};

struct strv *pppd_argv_build(const struct peer *p, const struct pppd_params *params);

#endif
