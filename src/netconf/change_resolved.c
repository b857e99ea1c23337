/* systemd-resolved's per-link DNS on the ppp interface, set with resolvectl: the link's
 * servers, the "~." routing domain in route-all (every name goes to them, none to another
 * link's servers), and the link as a default route for names.  The settings belong to the
 * interface: a redial's new interface gets them again, and resolved forgets them when the
 * interface goes, so undo has nothing to do for an interface that is gone (or is another
 * one of the same name, a later link's); else "resolvectl revert IFACE" takes them back.
 *
 * Line: "IFINDEX IFNAME".  Journaled before the first command: a crash in between leaves a
 * line whose revert finds nothing set, which resolvectl takes quietly. */
#include "netconf/change.h"

#include <stdio.h>
#include <string.h>

#include "netconf/dns_cmd.h"
#include "netconf/journal.h"
#include "lib/log.h"

static int format(const struct journal_entry *e, char *buf, size_t len)
{
	return change_format_iface(e, buf, len);
}

static const char *parse(char **field, size_t n, struct journal_entry *out)
{
	if (n != 2)
		return "want IFINDEX IFNAME";
	return change_parse_iface(field[0], field[1], out);
}

static void describe(const struct journal_entry *e, char *buf, size_t len)
{
	snprintf(buf, len, "systemd-resolved's DNS on %s", e->ifname);
}

static int revert(const struct change_env *env, const struct journal_entry *e)
{
	const char *argv[DNS_ARGV_MAX];

	dns_resolved_argv(argv, RESOLVED_REVERT, e->ifname, NULL, 0, false);
	return dns_cmd_run(env, e->ifname, DNS_RESOLVECTL_PATH, argv, NULL, 0);
}

static int apply(const struct change_env *env, const struct journal_entry *e)
{
	char spec[512];
	const char *servers[DNS_SERVERS_MAX], *argv[DNS_ARGV_MAX];
	bool route_all;
	int n = -1;

	if (env->data && env->data_len < sizeof(spec)) {
		memcpy(spec, env->data, env->data_len);
		spec[env->data_len] = '\0';
		n = dns_resolved_parse(spec, servers, &route_all);
	}
	if (n <= 0) {
		log_error("%s: %s: no DNS servers to give systemd-resolved", env->label, e->ifname);
		return -1;
	}
	for (int step = RESOLVED_DNS; step <= RESOLVED_DEFAULT_ROUTE; step++) {
		if (dns_resolved_argv(argv, (enum resolved_step)step, e->ifname, servers, (size_t)n,
		                      route_all) == 0)
			continue;
		if (dns_cmd_run(env, e->ifname, DNS_RESOLVECTL_PATH, argv, NULL, 0) < 0) {
			/* Nothing half-set stays: what the steps before did goes back. */
			if (step > RESOLVED_DNS)
				(void)revert(env, e);
			return -1;
		}
	}
	return 0;
}

static enum undo_result undo(const struct change_env *env, const struct journal_entry *e)
{
	if (!change_iface_same(env, e)) {
		log_debug("%s: %s: gone, and systemd-resolved's settings for it with it",
		          env->label, e->ifname);
		return UNDO_GONE;
	}
	return revert(env, e) == 0 ? UNDO_REMOVED : UNDO_FAILED;
}

const struct change_kind change_resolved = {
    .name = "resolved",
    .undo_verb = "reverted",
    .format = format,
    .parse = parse,
    .prepare = change_iface_prepare,
    .apply = apply,
    .undo = undo,
    .describe = describe,
};
