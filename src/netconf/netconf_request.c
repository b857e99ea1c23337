/* The typed requests of netconf.h, one per kind of change (a route, an address, a rule, a
 * sysctl, the resolver, a masquerade, the guard): each checks its arguments, fills in a
 * journal entry, and hands it to netconf_apply, which journals it before applying it. */
#include "netconf/netconf.h"

#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/err.h"
#include "lib/log.h"
#include "netconf/netconf_apply.h"

static int add_on_iface(struct netconf *nc, enum journal_kind kind, enum journal_scope scope,
                        const char *ifname, const struct cidr *dst)
{
	struct journal_entry e = {.kind = kind, .scope = scope, .dst = *dst};

	if (!change_ifname_valid(ifname)) {
		return err_log(err_set(netconf_err(nc), netconf_label(nc), NULL,
		                       "\"%.*s\": not an interface name", IF_NAMESIZE, ifname));
	}
	strcpy(e.ifname, ifname);
	e.u.route.protocol = kind == JOURNAL_ROUTE ? SSHDIAL_RTPROT : 0;
	return netconf_apply(nc, &e, NULL, 0);
}

int netconf_route_add_scoped(struct netconf *nc, enum journal_scope scope, const char *ifname,
                             const struct cidr *dst)
{
	return add_on_iface(nc, JOURNAL_ROUTE, scope, ifname, dst);
}

int netconf_route_add(struct netconf *nc, const char *ifname, const struct cidr *dst)
{
	return add_on_iface(nc, JOURNAL_ROUTE, JOURNAL_ATTEMPT, ifname, dst);
}

int netconf_addr_add(struct netconf *nc, enum journal_scope scope, const char *ifname,
                     const struct cidr *addr)
{
	return add_on_iface(nc, JOURNAL_ADDR, scope, ifname, addr);
}

int netconf_table_route_add(struct netconf *nc, enum journal_scope scope, const char *ifname,
                            const struct cidr *dst, uint32_t table, uint32_t metric)
{
	struct journal_entry e = {.kind = JOURNAL_ROUTE, .scope = scope, .dst = *dst};

	if (!change_ifname_valid(ifname)) {
		log_error("%s: \"%.*s\": not an interface name", netconf_label(nc), IF_NAMESIZE,
		          ifname);
		return -1;
	}
	strcpy(e.ifname, ifname);
	e.u.route.protocol = SSHDIAL_RTPROT;
	e.u.route.table = table;
	e.u.route.metric = metric;
	return netconf_apply(nc, &e, NULL, 0);
}

int netconf_unreachable_add(struct netconf *nc, enum journal_scope scope, const struct cidr *dst,
                            uint32_t table, uint32_t metric)
{
	struct journal_entry e = {.kind = JOURNAL_UNREACH, .scope = scope, .dst = *dst};

	e.u.route.protocol = SSHDIAL_RTPROT;
	e.u.route.table = table;
	e.u.route.metric = metric;
	return netconf_apply(nc, &e, NULL, 0);
}

int netconf_rule_add(struct netconf *nc, enum journal_scope scope, const struct change_rule *r)
{
	struct journal_entry e = {.kind = JOURNAL_RULE, .scope = scope, .u.rule = *r};

	return netconf_apply(nc, &e, NULL, 0);
}

int netconf_sysctl_set(struct netconf *nc, enum journal_scope scope, const char *key,
                       const char *value)
{
	struct journal_entry e = {.kind = JOURNAL_SYSCTL, .scope = scope};

	if (strlen(key) >= sizeof(e.u.sysctl.key) || strlen(value) >= sizeof(e.u.sysctl.set)) {
		log_error("%s: sysctl %.64s: key or value too long", netconf_label(nc), key);
		return -1;
	}
	strcpy(e.u.sysctl.key, key);
	strcpy(e.u.sysctl.set, value);
	return netconf_apply(nc, &e, NULL, 0);
}

int netconf_resolv_replace(struct netconf *nc, enum journal_scope scope, const char *path,
                           const char *data, size_t len)
{
	struct journal_entry e = {.kind = JOURNAL_RESOLV, .scope = scope};

	if (strlen(path) >= sizeof(e.u.resolv.path)) {
		log_error("%s: resolver file %.64s...: path too long", netconf_label(nc), path);
		return -1;
	}
	strcpy(e.u.resolv.path, path);
	return netconf_apply(nc, &e, data, len);
}

/* The DNS kinds that name only an interface. */
static int dns_iface_change(struct netconf *nc, enum journal_kind kind, enum journal_scope scope,
                            const char *ifname, const char *data, size_t len)
{
	struct journal_entry e = {.kind = kind, .scope = scope};

	if (!change_ifname_valid(ifname)) {
		log_error("%s: DNS: \"%.32s\" is not an interface name", netconf_label(nc), ifname);
		return -1;
	}
	snprintf(e.ifname, sizeof(e.ifname), "%s", ifname);
	return netconf_apply(nc, &e, data, len);
}

int netconf_resolvconf_add(struct netconf *nc, enum journal_scope scope, const char *ifname,
                           const char *text, size_t len)
{
	return dns_iface_change(nc, JOURNAL_RESOLVCONF, scope, ifname, text, len);
}

int netconf_resolved_set(struct netconf *nc, enum journal_scope scope, const char *ifname,
                         const char *spec, size_t len)
{
	return dns_iface_change(nc, JOURNAL_RESOLVED, scope, ifname, spec, len);
}

int netconf_masquerade(struct netconf *nc, enum journal_scope scope, const struct cidr *addr,
                       const char *oifname)
{
	struct journal_entry e = {.kind = JOURNAL_MASQ, .scope = scope, .dst = *addr};

	if (addr->family != AF_INET || addr->prefixlen != 32 || !change_ifname_valid(oifname)) {
		log_error("%s: masquerade: not an IPv4 address or not an interface name",
		          netconf_label(nc));
		return -1;
	}
	snprintf(e.ifname, sizeof(e.ifname), "%s", oifname);
	return netconf_apply(nc, &e, NULL, 0);
}

int netconf_guard(struct netconf *nc, enum journal_scope scope, const struct guard_spec *g)
{
	struct journal_entry e = {.kind = JOURNAL_GUARD, .scope = scope, .u.guard = *g};

	return netconf_apply(nc, &e, NULL, 0);
}

int netconf_guard_link(struct netconf *nc, enum journal_scope scope, const char *table,
                       const char *ifname)
{
	struct journal_entry e = {.kind = JOURNAL_GUARD_LINK, .scope = scope};

	if (!guard_table_valid(table) || !change_ifname_valid(ifname)) {
		log_error("%s: guard: \"%.48s\" or \"%.16s\" is not a valid name",
		          netconf_label(nc), table, ifname);
		return -1;
	}
	snprintf(e.u.guard.table, sizeof(e.u.guard.table), "%s", table);
	snprintf(e.ifname, sizeof(e.ifname), "%s", ifname);
	return netconf_apply(nc, &e, NULL, 0);
}
