/* The server's masquerade of one client: its tunnel address NATed out of the server's
 * default interface (nft.c), while its link is up.  Undone by the ip-down hook, or after a
 * crash by the next hook that finds the journal of a vanished interface.
 *
 * Line: "ADDRESS OIFNAME", the client's IPv4 address and the interface it goes out of. */
#include "netconf/change.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "netconf/journal.h"
#include "netconf/nft.h"

static int format(const struct journal_entry *e, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];
	if (e->dst.family != AF_INET || e->dst.prefixlen != 32 || !change_ifname_valid(e->ifname) ||
	    !inet_ntop(AF_INET, e->dst.addr, a, sizeof(a)))
		return -1;
	int n = snprintf(buf, len, "%s %s", a, e->ifname);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

static const char *parse(char **field, size_t n, struct journal_entry *out)
{
	if (n != 2)
		return "want ADDRESS OIFNAME";
	if (inet_pton(AF_INET, field[0], out->dst.addr) != 1)
		return "bad address";
	out->dst.family = AF_INET;
	out->dst.prefixlen = 32;
	if (!change_ifname_valid(field[1]))
		return "bad interface name";
	snprintf(out->ifname, sizeof(out->ifname), "%s", field[1]);
	return NULL;
}

static void describe(const struct journal_entry *e, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN] = "?";
	inet_ntop(AF_INET, e->dst.addr, a, sizeof(a));
	snprintf(buf, len, "masquerade of %s out of %s", a, e->ifname);
}

static struct in_addr addr_of(const struct journal_entry *e)
{
	struct in_addr a;
	memcpy(&a, e->dst.addr, sizeof(a));
	return a;
}

static int apply(const struct change_env *env, const struct journal_entry *e)
{
	return nft_masq_add(env->label, addr_of(e), e->ifname);
}

static enum undo_result undo(const struct change_env *env, const struct journal_entry *e)
{
	int r = nft_masq_remove(env->label, addr_of(e), e->ifname);
	return r > 0 ? UNDO_REMOVED : r == 0 ? UNDO_GONE : UNDO_FAILED;
}

const struct change_kind change_masq = {
    .name = "masq",
    .undo_verb = "removed",
    .format = format,
    .parse = parse,
    .apply = apply,
    .undo = undo,
    .describe = describe,
};
