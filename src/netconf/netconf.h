/* System network changes for a link (routes, rules, addresses, sysctls, the resolver file),
 * each journaled before it is applied so that it can be undone exactly: when the attempt
 * ends, when the session ends, and after a crash.  Each change has a scope: an attempt's
 * changes (the link's routes) go when the link goes down; a session's (a kill switch, the
 * rules that keep ssh on the underlying network) stay while redialing. */
#ifndef SSHDIAL_NETCONF_H
#define SSHDIAL_NETCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netconf/change.h"
#include "lib/cidr.h"

struct err;
struct netconf;

/* Opens the netlink socket and the journal at journal_path.  A journal left by an earlier
 * run that crashed is undone first, every scope (changes already gone, as routes of a
 * vanished interface, are not errors).  label names the owner in messages (the peer name).
 * NULL on failure, after logging why. */
struct netconf *netconf_open(const char *label, const char *journal_path);

/* The same, but a dead run's kill switch (what its journal lists in the session's scope,
 * adopt.h) is taken over, not undone: it stays in force, and each change this run asks for
 * that it holds already is claimed as it is, without a system call.  What it holds that
 * nobody claims is removed by netconf_adopt_finish, once the new kill switch is whole:
 * add-before-delete, never delete-then-add. */
struct netconf *netconf_open_adopting(const char *label, const char *journal_path);

/* Removes the changes taken over that this run did not ask for again (newest first).  Call
 * it once the run's own kill switch is in (or once it is known there is none).  Returns the
 * number that could not be undone (each logged; kept for close). */
int netconf_adopt_finish(struct netconf *nc);

/* Treats this run's applied changes as taken over: the next link run on nc (after a
 * lockdown's down) claims them, or netconf_adopt_finish removes them, as for a dead run's. */
void netconf_adopt_own(struct netconf *nc);

/* Changes taken over and not claimed yet (0 once netconf_adopt_finish has run). */
unsigned netconf_adopted(const struct netconf *nc);

/* Whether a kill switch taken over still stands in for this run's (claimed in part or not
 * at all): from netconf_open_adopting or netconf_adopt_own until netconf_adopt_finish.
 * Undoing everything now would lift it: a run that fails meanwhile keeps it in force. */
bool netconf_taking_over(const struct netconf *nc);

/* Keeps the resolver file's lines (netconf_resolv_replace) and their backups in a journal of
 * their own at path, from now on: one in /var/lib that a reboot keeps, so that the start
 * after a power loss still restores the file.  A journal left there by an earlier run is
 * undone first, as netconf_open does.  0, or -1 after a warning (they stay in the journal
 * given to netconf_open). */
int netconf_keep_dns_in(struct netconf *nc, const char *path);

/* Adds a route to dst through interface ifname (the ppp device, no gateway), in the
 * attempt's scope.  0 on success; -1 after logging "label: route DST dev IF: reason". */
int netconf_route_add(struct netconf *nc, const char *ifname, const struct cidr *dst);

/* The same in either scope. */
int netconf_route_add_scoped(struct netconf *nc, enum journal_scope scope, const char *ifname,
                             const struct cidr *dst);

/* Adds a route to dst through ifname in routing table table (not main) with metric, in
 * scope; and an unreachable route to dst in table.  0, or -1 after logging. */
int netconf_table_route_add(struct netconf *nc, enum journal_scope scope, const char *ifname,
                            const struct cidr *dst, uint32_t table, uint32_t metric);
int netconf_unreachable_add(struct netconf *nc, enum journal_scope scope, const struct cidr *dst,
                            uint32_t table, uint32_t metric);

/* Puts back every applied rule, unreachable route, route in a table of sshdial's and guard
 * (its table, its chain's drop policy, the link's interface in its set) that someone deleted
 * (NetworkManager, networkd, a script, nft flush ruleset), logging each; a kill switch taken
 * over and not claimed yet (held with no link) too.  Returns how many were put back, or -1
 * if one could not be. */
int netconf_reassert(struct netconf *nc);
/* netconf_reassert after the changes what (nlmon's mask, net/nlmon.h) were seen: the
 * guard is looked at only when nftables changed, events were lost, or the kernel does not
 * report nftables' changes at all, since each of its checks runs nft(8), which blocks the
 * loop (under load, seconds in which a link's frames wait). */
int netconf_reassert_after(struct netconf *nc, unsigned what);

/* Adds a policy routing rule (tagged with SSHDIAL_RTPROT; refused if an equal rule exists).
 * 0, or -1 after logging "label: rule ...: reason". */
int netconf_rule_add(struct netconf *nc, enum journal_scope scope, const struct change_rule *r);

/* Adds address addr (host bits allowed: "fd00::2/64") to interface ifname; refused if it is
 * there already.  0, or -1 after logging. */
int netconf_addr_add(struct netconf *nc, enum journal_scope scope, const char *ifname,
                     const struct cidr *addr);

/* Writes value to /proc/sys/KEY (key "net/ipv4/conf/all/rp_filter"), the old value
 * journaled first; undo puts it back unless someone changed it since.  0, or -1 after
 * logging. */
int netconf_sysctl_set(struct netconf *nc, enum journal_scope scope, const char *key,
                       const char *value);

/* Replaces the file at path (absolute; a symlink is replaced, not followed) with data[0..len),
 * atomically, keeping its old self (bytes, or symlink, or absence) in a backup file next to the
 * journal; undo restores it exactly.  0, or -1 after logging. */
int netconf_resolv_replace(struct netconf *nc, enum journal_scope scope, const char *path,
                           const char *data, size_t len);

/* Gives resolvconf the record of interface ifname (dns_cmd.h), text[0..len) (resolv.conf
 * lines), undone by removing the record.  0, or -1 after logging. */
int netconf_resolvconf_add(struct netconf *nc, enum journal_scope scope, const char *ifname,
                           const char *text, size_t len);

/* Sets systemd-resolved's per-link DNS on ifname from spec[0..len) (dns_resolved_spec),
 * undone with resolvectl revert while the interface is there.  0, or -1 after logging. */
int netconf_resolved_set(struct netconf *nc, enum journal_scope scope, const char *ifname,
                         const char *spec, size_t len);

/* The server's masquerade of client address addr out of interface oifname (nft.h).  0, or -1
 * after logging. */
int netconf_masquerade(struct netconf *nc, enum journal_scope scope, const struct cidr *addr,
                       const char *oifname);

/* route-all's netfilter guard (guard.h): makes g's table, or replaces it whole in one nft
 * transaction when it is there (never a gap).  0, or -1 after logging. */
struct guard_spec;
int netconf_guard(struct netconf *nc, enum journal_scope scope, const struct guard_spec *g);
/* The link's interface ifname let through the guard table's output chain.  0, or -1 after
 * logging. */
int netconf_guard_link(struct netconf *nc, enum journal_scope scope, const char *table,
                       const char *ifname);

/* Removes the attempt's changes, newest first, and leaves the session's (the journal then
 * lists only those).  Returns the number that could not be undone (each logged). */
int netconf_undo_attempt(struct netconf *nc);

/* Removes everything applied since open (and what was taken over), newest first, and
 * empties the journal.
 * Returns the number of changes that could not be undone (each logged). */
int netconf_undo_all(struct netconf *nc);

/* Number of changes currently applied (those taken over included); of one scope. */
unsigned netconf_applied(const struct netconf *nc);
unsigned netconf_applied_in(const struct netconf *nc, enum journal_scope scope);

/* The last failure to apply or undo a change, as logged, or NULL if there was none: for a
 * status reply or a daemon's answer to hand back. */
const struct err *netconf_last_error(const struct netconf *nc);

/* Frees, leaving every change applied and in the journal, for a later process (the server's
 * ip-down hook) to undo by opening the same journal. */
void netconf_release(struct netconf *nc);

/* Undoes everything, removes the journal file, frees. */
void netconf_close(struct netconf *nc);

#endif
