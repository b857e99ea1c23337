/* The DNS servers the server offers (pppd's DNS1 and DNS2), made the system's resolvers
 * while the link is up.  The backend the system uses is detected (systemd-resolved when
 * /etc/resolv.conf is its stub, else resolvconf when installed, else the file); only the
 * file backend is written yet, and it serves the others too: /etc/resolv.conf replaced
 * whole and restored byte-identical (a file, or the stub's symlink) from the journal's
 * backup. */
#ifndef SSHDIAL_DNS_H
#define SSHDIAL_DNS_H

#include <stdbool.h>
#include <stddef.h>

#include "net/netconf.h"

#define DNS_RESOLV_CONF "/etc/resolv.conf"
#define DNS_RESOLVCONF_PATH "/sbin/resolvconf"

enum dns_backend { DNS_BACKEND_FILE, DNS_BACKEND_RESOLVCONF, DNS_BACKEND_RESOLVED };

/* The backend for a system whose resolver file is resolv_path: systemd-resolved when it is
 * a symlink into /run/systemd/resolve/ or names only 127.0.0.53 as its server; resolvconf
 * when resolvconf_path is an executable; else the file.  Never fails: the file is the last
 * resort and always works. */
enum dns_backend dns_backend_detect(const char *resolv_path, const char *resolvconf_path);
const char *dns_backend_name(enum dns_backend b);

/* The resolver file's text for servers[0..n) (IPv4 or IPv6 addresses, each checked),
 * with a first comment naming label and ifname.  Its length, or -1 when a server is not an
 * address or the text does not fit in len. */
int dns_resolv_text(char *buf, size_t len, const char *label, const char *ifname,
                    const char *const *servers, size_t n);

/* Makes servers[0..n) the system's resolvers while ifname is up, in scope; undone with the
 * scope.  0, or -1 after logging (nothing is left half-done). */
int dns_apply(struct netconf *nc, enum journal_scope scope, const char *label, const char *ifname,
              const char *const *servers, size_t n);

#endif
