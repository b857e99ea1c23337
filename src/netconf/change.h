/* The kinds of system change that netconf applies and the journal records.  Each kind lives in
 * a file of its own (change_route.c, change_rule.c, change_addr.c, change_sysctl.c,
 * change_resolv.c, change_masq.c, change_resolvconf.c, change_resolved.c, change_guard.c)
 * holding everything about it: how it is applied, how it is undone, and its journal line.  This
 * header is the table that ties them together. */
#ifndef SSHDIAL_CHANGE_H
#define SSHDIAL_CHANGE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/cidr.h"
#include "netconf/resolv_mark.h"

/* The protocol number sshdial's routes and rules carry ("proto 83" in ip route and ip rule):
 * what a person looks for after a crash, and what keeps our deletes off other people's
 * entries.  Unassigned in iproute2's rt_protos. */
#define SSHDIAL_RTPROT 83

enum journal_kind {
	JOURNAL_ROUTE = 1,  /* a route to dst through interface ifindex, no gateway */
	JOURNAL_RULE,       /* a policy routing rule */
	JOURNAL_ADDR,       /* an address (dst, host bits allowed) on interface ifindex */
	JOURNAL_SYSCTL,     /* a /proc/sys value changed */
	JOURNAL_RESOLV,     /* a file (the resolver's) replaced, its old self kept in a backup */
	JOURNAL_UNREACH,    /* an unreachable route in a table of sshdial's (route-all) */
	JOURNAL_MASQ,       /* the server's masquerade of a client address (dst) out of ifname */
	JOURNAL_RESOLVCONF, /* a resolvconf record for interface ifname */
	JOURNAL_RESOLVED,   /* systemd-resolved's per-link DNS on interface ifindex */
	JOURNAL_GUARD,      /* route-all's nftables guard table (guard.h) */
	JOURNAL_GUARD_LINK, /* the link's interface ifname in the guard's set */
};

/* How long a change lives.  Ending an attempt (ip-down, redial) undoes only the attempt's;
 * ending the session (exit, down) and the start after a crash undo both. */
enum journal_scope {
	JOURNAL_ATTEMPT = 0,
	JOURNAL_SESSION = 1,
	JOURNAL_SCOPE_COUNT /* keep last */
};

struct change_rule {
	int family; /* AF_INET or AF_INET6 */
	uint32_t priority;
	uint8_t action; /* FR_ACT_TO_TBL, FR_ACT_BLACKHOLE, FR_ACT_UNREACHABLE, FR_ACT_PROHIBIT */
	uint32_t table; /* with FR_ACT_TO_TBL only */
	bool invert;    /* "not": the rule applies where its selectors do not match */
	bool has_fwmark, has_uidrange, has_suppress;
	uint32_t fwmark, fwmask;
	uint32_t uid_start, uid_end;
	uint32_t suppress_prefixlen;
	bool has_dst; /* "to": destinations in dst only */
	struct cidr dst;
	uint8_t ipproto; /* 0: any protocol */
	uint16_t dport;  /* 0: any port; with ipproto */
};

#define CHANGE_SYSCTL_KEY_MAX 128   /* "net/ipv4/conf/ppp0/rp_filter", NUL included */
#define CHANGE_SYSCTL_VALUE_MAX 160 /* one value, NUL included; no sysctl we set is longer */

struct change_sysctl {
	char key[CHANGE_SYSCTL_KEY_MAX]; /* path under /proc/sys, '/' separated */
	char old[CHANGE_SYSCTL_VALUE_MAX];
	char set[CHANGE_SYSCTL_VALUE_MAX]; /* what we wrote: restored only while still there */
};

enum resolv_was {
	RESOLV_WAS_FILE = 1,
	RESOLV_WAS_LINK,
	RESOLV_WAS_ABSENT,
	RESOLV_WAS_COUNT /* keep last */
};

#define CHANGE_PATH_MAX 200

struct change_resolv {
	enum resolv_was was;
	char path[CHANGE_PATH_MAX];   /* the file replaced, absolute */
	char backup[CHANGE_PATH_MAX]; /* its old content (or link target); "" when absent */
	/* What sshdial wrote (a line from before marks has none): undo restores only over a
	 * file that still holds it. */
	bool has_mark;
	struct resolv_mark mark;
};

/* Longest line journal_format writes, newline and NUL included: the longest kind is the
 * guard's (guard.h: 24 servers "[IPV6]:PORT", 32 IPv6 networks, about 2.4 kB); the
 * sysctl's, each byte of its fields escaped as %XX at worst, is 1.4 kB. */
#define JOURNAL_LINE_MAX 4096

struct err;
struct journal_entry;
struct nlreq;

/* What a kind needs to apply and undo: the netlink socket, the owner's name for messages,
 * and the journal's path (resolver backups are named after it). */
struct change_env {
	const char *label;
	struct nlreq *nl;
	const char *journal_path;
	const char *data; /* a replaced file's new content, for its apply */
	struct err *err;  /* where a failure to apply or undo is kept, besides being logged */
	size_t data_len;
	/* Putting back what may have been deleted behind our back (netconf_reassert): apply
	 * returns 1, saying nothing, when the change is still there. */
	bool reassert;
};

enum undo_result { UNDO_REMOVED, UNDO_GONE, UNDO_FAILED };

struct change_kind {
	const char *name;      /* the line's first word after the scope */
	const char *undo_verb; /* "removed", "restored": what undo did, for messages */
	/* Writes the fields after the name, without a newline.  -1 when e is not valid. */
	int (*format)(const struct journal_entry *e, char *buf, size_t len);
	/* Reads the n fields after the name; NULL, or what is wrong with them. */
	const char *(*parse)(char **field, size_t n, struct journal_entry *out);
	/* Gathers what the journal must hold before the change (the interface's index, the old
	 * value, a backup); 0, or -1 after logging.  Optional. */
	int (*prepare)(const struct change_env *env, struct journal_entry *e);
	/* Makes the change; 0, or -1 after logging (1: there already, with env->reassert). */
	int (*apply)(const struct change_env *env, const struct journal_entry *e);
	/* Takes back what prepare left when the change was not applied after all.  Optional. */
	void (*discard)(const struct change_env *env, const struct journal_entry *e);
	enum undo_result (*undo)(const struct change_env *env, const struct journal_entry *e);
	/* "route 10.1.0.0/16 dev ppp0", for messages. */
	void (*describe)(const struct journal_entry *e, char *buf, size_t len);
	/* Optional: true when applying now replaced what old made, in place (the guard's table
	 * of the same name), so that old, a stale journal's, must not be undone after now is
	 * applied: it would take now's change with it.  Kinds without it make distinct things. */
	bool (*replaces)(const struct journal_entry *now, const struct journal_entry *old);
};

extern const struct change_kind change_route, change_rule, change_addr, change_sysctl,
    change_resolv, change_unreach, change_masq, change_resolvconf, change_resolved, change_guard,
    change_guard_link;

/* The kind of e, or NULL for a kind not in the table. */
const struct change_kind *change_kind_of(enum journal_kind kind);
/* The kind whose line begins with name, or NULL. */
const struct change_kind *change_kind_named(const char *name, enum journal_kind *kind);

/* Writes s with every byte that is not printable ASCII, a space or '%' as "%XX", so that a
 * field with spaces or tabs (a path, "32768\t60999") stays one word.  -1 if it does not fit;
 * an empty s is refused (it would be no word at all). */
int change_escape(const char *s, char *buf, size_t len);
/* The reverse; false on a bad escape, a NUL, or a result that does not fit. */
bool change_unescape(const char *s, char *buf, size_t len);

/* True for a name the kernel could have given an interface (not empty, short enough, no
 * space, '/' or ':'): what keeps the line format unambiguous. */
bool change_ifname_valid(const char *name);
/* Strict decimal: no sign, no leading zero, at most max. */
bool change_parse_u32(const char *s, uint32_t max, uint32_t *out);

/* Route and address lines share "IFINDEX IFNAME": reads them into e; NULL or what is wrong. */
const char *change_parse_iface(const char *index, const char *name, struct journal_entry *e);
/* Writes "IFINDEX IFNAME"; -1 when either is not valid. */
int change_format_iface(const struct journal_entry *e, char *buf, size_t len);
/* Fills e->ifindex from e->ifname; -1 after logging "label: WHAT: no such interface". */
int change_iface_prepare(const struct change_env *env, struct journal_entry *e);
/* True while e's interface is still the one the change was made on: the kernel drops an
 * interface's routes and addresses with it, and an interface of the same name with another
 * index is a later link's, whose changes are not ours to remove. */
bool change_iface_same(const struct change_env *env, const struct journal_entry *e);
/* The verdict of a netlink delete (err, as libnl returns it) undoing what: removed, already
 * gone, or failed, which is logged with the kernel's reason. */
enum undo_result change_nl_undone(const struct change_env *env, int err, const char *what);

/* change_route.c, for the route and unreachable kinds: adds route r (taken and freed; NULL
 * for out of memory) or deletes it, with what (describe's text) in the messages.  Adding
 * returns as a kind's apply, with hint(the kernel's errno) as the fix when there is one;
 * deleting, as change_nl_undone. */
struct rtnl_route;
int change_route_apply(const struct change_env *env, struct rtnl_route *r, const char *what,
                       const char *(*hint)(int kerr));
enum undo_result change_route_remove(const struct change_env *env, struct rtnl_route *r,
                                     const char *what);

#endif
