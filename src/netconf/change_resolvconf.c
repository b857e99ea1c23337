/* A record given to resolvconf (Debian's or openresolv) for a link: the link's servers,
 * added with "resolvconf -a RECORD" and removed with "resolvconf -d RECORD", which makes
 * resolvconf write /etc/resolv.conf again from the records that remain.  The record is
 * named after the interface and the peer (dns_cmd.h), so the line needs only the
 * interface: undo finds the same record from the journal's owner.
 *
 * Line: "IFNAME".  Journaled before the record is added: a crash between the two leaves a
 * line whose undo finds no record, which resolvconf -d takes quietly. */
#include "netconf/change.h"

#include <stdio.h>
#include <string.h>

#include "netconf/dns_cmd.h"
#include "netconf/journal.h"
#include "lib/log.h"

static int format(const struct journal_entry *e, char *buf, size_t len)
{
	if (!change_ifname_valid(e->ifname))
		return -1;
	int n = snprintf(buf, len, "%s", e->ifname);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

static const char *parse(char **field, size_t n, struct journal_entry *out)
{
	if (n != 1)
		return "want IFNAME";
	if (!change_ifname_valid(field[0]))
		return "bad interface name";
	snprintf(out->ifname, sizeof(out->ifname), "%s", field[0]);
	return NULL;
}

static void describe(const struct journal_entry *e, char *buf, size_t len)
{
	snprintf(buf, len, "resolvconf record for %s", e->ifname);
}

/* Runs resolvconf -a or -d for e's record; 0, or -1 after logging what resolvconf said. */
static int run(const struct change_env *env, const struct journal_entry *e, bool add)
{
	char record[DNS_RECORD_MAX];
	const char *argv[DNS_ARGV_MAX];

	if (dns_resolvconf_record(record, sizeof(record), e->ifname, env->label) < 0) {
		log_error("%s: %s: no resolvconf record name can be made of this peer and "
		          "interface name",
		          env->label, e->ifname);
		return -1;
	}
	dns_resolvconf_argv(argv, add, record);
	return dns_cmd_run(env, e->ifname, DNS_RESOLVCONF_PATH, argv, add ? env->data : NULL,
	                   add ? env->data_len : 0);
}

static int apply(const struct change_env *env, const struct journal_entry *e)
{
	if (run(env, e, true) == 0)
		return 0;
	/* resolvconf may have kept the record and failed only to rewrite the file. */
	(void)run(env, e, false);
	return -1;
}

static enum undo_result undo(const struct change_env *env, const struct journal_entry *e)
{
	return run(env, e, false) == 0 ? UNDO_REMOVED : UNDO_FAILED;
}

const struct change_kind change_resolvconf = {
    .name = "resolvconf",
    .undo_verb = "removed",
    .format = format,
    .parse = parse,
    .apply = apply,
    .undo = undo,
    .describe = describe,
};
