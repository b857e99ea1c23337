/* The arguments and environment of the scripts a link runs (link_script.c): the peer's
 * up-script and down-script, and for a pppd peer file /etc/ppp/ip-up.d and ip-down.d as
 * pppd and Debian's /etc/ppp/ip-up would run them.  Pure: the tests check every variable. */
#ifndef SSHDIAL_SCRIPT_ENV_H
#define SSHDIAL_SCRIPT_ENV_H

#include <stdbool.h>

#include "lib/strv.h"

/* What a script is told about the link.  NULL or "" where there is nothing to tell. */
struct script_link {
	const char *peer;
	const char *ifname;
	const char *local, *remote; /* IPv4, as IPCP gave them */
	const char *local6;         /* ipv6 yes: the address sshdial put on ifname */
	const char *server;         /* the ssh server; NULL with a pty command */
	const char *dns1, *dns2;    /* what the server offered */
	const char *tty, *speed;    /* pppd's device and speed (its script arguments) */
	const char *linkname;
	int pppd_pid; /* 0: unknown */
};

/* The PATH every script gets (as pppd gives its own). */
#define SCRIPT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* up-script and down-script (sshdial-peer(5)): SSHDIAL_EVENT (up or down), SSHDIAL_PEER,
 * SSHDIAL_INTERFACE and IFNAME, SSHDIAL_LOCAL_ADDR, SSHDIAL_PEER_ADDR, SSHDIAL_LOCAL_ADDR6
 * (only when set), SSHDIAL_SERVER (only with ssh), SSHDIAL_DNS (space-separated, maybe
 * empty), PATH and LC_ALL=C.  "NAME=value" each, in that order. */
struct strv *script_env_sshdial(const struct script_link *k, bool up);

/* pppd's script environment (IFNAME, IPLOCAL, IPREMOTE, DEVICE, SPEED, LINKNAME,
 * CALL_FILE, PPPD_PID, DNS1, DNS2 when offered) with what Debian's /etc/ppp/ip-up exports
 * for ip-up.d (PPP_IFACE, PPP_TTY, PPP_SPEED, PPP_LOCAL, PPP_REMOTE, PPP_IPPARAM,
 * PPP_TTYNAME), PATH, and SSHDIAL_PEER.  No USEPEERDNS: sshdial's 'dns' sets the
 * resolver, not Debian's 0000usepeerdns. */
struct strv *script_env_pppd(const struct script_link *k);

/* run-parts over dir with pppd's six arguments: iface tty speed local remote ipparam
 * (ipparam is the peer name, as sshdial gives it to pppd). */
struct strv *script_argv_run_parts(const char *run_parts, const char *dir,
                                   const struct script_link *k);

#endif
