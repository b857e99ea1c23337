/* The command lines of the two DNS backends that sshdial drives through a command:
 * resolvconf (Debian's and openresolv share "-a RECORD < text" and "-d RECORD") and
 * systemd-resolved's resolvectl (per-link servers on the ppp interface): the argv arrays
 * (pure), and running one the way the journal's kinds (change_resolvconf.c,
 * change_resolved.c) report failures. */
#ifndef SSHDIAL_DNS_CMD_H
#define SSHDIAL_DNS_CMD_H

#include <stdbool.h>
#include <stddef.h>

#define DNS_RESOLVCONF_PATH "/sbin/resolvconf"
#define DNS_RESOLVECTL_PATH "/usr/bin/resolvectl"
/* How long one resolvconf or resolvectl may take before it is killed: they run while the
 * link's ip-up is answered, and both normally take well under a second. */
#define DNS_CMD_TIMEOUT_MS 15000
/* The most words a command line here has: resolvectl dns IFACE and the servers. */
#define DNS_ARGV_MAX 12
#define DNS_SERVERS_MAX 8
#define DNS_RECORD_MAX 64

/* resolvconf's record for a link: "IFNAME.sshdial-LABEL" (the interface first, so that
 * resolvconf's interface-order places it as a ppp link's; the peer's name so that two
 * peers, or a later link on a reused interface name, never remove each other's).  -1 when
 * the name would not be one resolvconf accepts or does not fit. */
int dns_resolvconf_record(char *buf, size_t len, const char *ifname, const char *label);

/* resolvconf -a RECORD (add) or -d RECORD into argv[DNS_ARGV_MAX]; returns argc. */
size_t dns_resolvconf_argv(const char **argv, bool add, const char *record);

enum resolved_step {
	RESOLVED_DNS,           /* resolvectl dns IFACE ADDR...: the link's servers */
	RESOLVED_DOMAIN,        /* resolvectl domain IFACE ~.: every name to them (route-all) */
	RESOLVED_DEFAULT_ROUTE, /* resolvectl default-route IFACE yes */
	RESOLVED_REVERT,        /* resolvectl revert IFACE: all of the above undone */
	RESOLVED_STEP_COUNT     /* keep last */
};

/* The resolvectl command line of step into argv[DNS_ARGV_MAX]; returns argc, or 0 when the
 * step has nothing to do (the routing domain without route_all; no servers). */
size_t dns_resolved_argv(const char **argv, enum resolved_step step, const char *ifname,
                         const char *const *servers, size_t n, bool route_all);

/* The per-link settings handed from dns_apply to the resolved kind's apply, as one line of
 * words: the servers, then "~." with route-all.  dns_resolved_spec writes it (its length,
 * or -1 when it does not fit); dns_resolved_parse splits a copy in spec (modified) back
 * into servers[DNS_SERVERS_MAX] (returns how many, -1 when a word is neither an address nor
 * "~.") and *route_all. */
int dns_resolved_spec(char *buf, size_t len, const char *const *servers, size_t n, bool route_all);
int dns_resolved_parse(char *spec, const char **servers, bool *route_all);

struct change_env;

/* Runs path with argv (in[0..inlen) on its standard input), bounded by DNS_CMD_TIMEOUT_MS.
 * 0 when it exited with status 0; else -1 after logging, and keeping in env->err, the
 * command, its exit status (or the timeout) and the first line it printed, with the peer
 * and ifname. */
int dns_cmd_run(const struct change_env *env, const char *ifname, const char *path,
                const char *const *argv, const char *in, size_t inlen);

#endif
