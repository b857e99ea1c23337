/* The DNS servers the server offers (pppd's DNS1 and DNS2), made the system's resolvers
 * while the link is up, through the backend the system uses: systemd-resolved when
 * /etc/resolv.conf is its stub (per-link DNS on the ppp interface, change_resolved.c), else
 * resolvconf when installed (a record of the link's, change_resolvconf.c), else the file
 * itself (replaced whole and restored byte-identical from the journal's backup,
 * change_resolv.c). */
#ifndef SSHDIAL_DNS_H
#define SSHDIAL_DNS_H

#include <stdbool.h>
#include <stddef.h>

#include "netconf/dns_cmd.h"
#include "netconf/netconf.h"

#define DNS_RESOLV_CONF "/etc/resolv.conf"

enum dns_backend { DNS_BACKEND_FILE, DNS_BACKEND_RESOLVCONF, DNS_BACKEND_RESOLVED };

/* The backend for a system whose resolver file is resolv_path: systemd-resolved when it is
 * a symlink into /run/systemd/resolve/ or names only 127.0.0.53 as its server; resolvconf
 * when resolvconf_path is an executable; else the file.  Never fails: the file is the last
 * resort and always works. */
enum dns_backend dns_backend_detect(const char *resolv_path, const char *resolvconf_path);
const char *dns_backend_name(enum dns_backend b);
/* Where the servers went, for "DNS: WHERE SERVERS through ppp0": "/etc/resolv.conf",
 * "resolvconf", "systemd-resolved". */
const char *dns_backend_where(enum dns_backend b);

/* The resolver file's text for servers[0..n) (IPv4 or IPv6 addresses, each checked),
 * with a first comment naming label and ifname.  Its length, or -1 when a server is not an
 * address or the text does not fit in len. */
int dns_resolv_text(char *buf, size_t len, const char *label, const char *ifname,
                    const char *const *servers, size_t n);

/* Makes servers[0..n) the system's resolvers while ifname is up, in scope, through the
 * detected backend (its name in *used); undone with the scope.  With route_all, resolved
 * also sends every name to them (the "~." domain).  0, or -1 after logging (nothing is left
 * half-done). */
int dns_apply(struct netconf *nc, enum journal_scope scope, const char *label, const char *ifname,
              const char *const *servers, size_t n, bool route_all, enum dns_backend *used);

#endif
