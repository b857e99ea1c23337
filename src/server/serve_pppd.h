/* The server's pppd command line for one connection: pure, so that it can be tested.
 * pppd runs as the login account (setuid root, group dip), which may not give it
 * privileged options: those (the hook scripts, noauth) come from the root-owned options
 * file that 'sshdial authorize --install' writes under /etc/ppp/peers, named by 'call'. */
#ifndef SSHDIAL_SERVE_PPPD_H
#define SSHDIAL_SERVE_PPPD_H

#include <netinet/in.h>
#include <stddef.h>

#include "server/server_conf.h"
#include "lib/strv.h"

#define PPPD_PEERS_DIR_SERVE "/etc/ppp/peers"
#define SERVE_PEERS_FILE "sshdial-serve"               /* PAP required */
#define SERVE_PEERS_FILE_NOAUTH "sshdial-serve-noauth" /* the same, plus noauth */
/* The frame transport's: the same two, plus pppd's L2TP plugin (a privileged option). */
#define SERVE_PEERS_FILE_FRAMES "sshdial-serve-frames"
#define SERVE_PEERS_FILE_FRAMES_NOAUTH "sshdial-serve-frames-noauth"

struct serve_pppd_params {
	struct in_addr local;  /* the server's end */
	struct in_addr remote; /* the client's: fixed or leased */
	unsigned echo_interval, echo_failure;
	const char *log_file; /* NULL: syslog only */
	/* The frame transport: pppd takes the L2TP session socket session_fd ("pppol2tp
	 * FD") instead of running on stdin and stdout (notty). */
	bool frames;
	int session_fd;
};

/* The options file under PPPD_PEERS_DIR_SERVE that pppd is called with. */
const char *serve_pppd_peers_file(bool pap, bool frames);
/* The same file's whole path, in buf; returns buf. */
const char *serve_pppd_peers_path(char *buf, size_t len, bool pap, bool frames);

struct strv *serve_pppd_argv(const struct key_settings *k, const struct serve_pppd_params *p);

#endif
