#include "netconf/change.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netconf/journal.h"
#include "lib/err.h"
#include "lib/log.h"
#include "net/nlreq.h"

static const struct {
	enum journal_kind kind;
	const struct change_kind *ops;
} kinds[] = {
    {JOURNAL_ROUTE, &change_route},
    {JOURNAL_RULE, &change_rule},
    {JOURNAL_ADDR, &change_addr},
    {JOURNAL_SYSCTL, &change_sysctl},
    {JOURNAL_RESOLV, &change_resolv},
    {JOURNAL_UNREACH, &change_unreach},
    {JOURNAL_MASQ, &change_masq},
    {JOURNAL_RESOLVCONF, &change_resolvconf},
    {JOURNAL_RESOLVED, &change_resolved},
    {JOURNAL_GUARD, &change_guard},
    {JOURNAL_GUARD_LINK, &change_guard_link},
};

const struct change_kind *change_kind_of(enum journal_kind kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == kind)
			return kinds[i].ops;
	return NULL;
}

const struct change_kind *change_kind_named(const char *name, enum journal_kind *kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].ops->name, name) == 0) {
			*kind = kinds[i].kind;
			return kinds[i].ops;
		}
	return NULL;
}

static bool plain(unsigned char c)
{
	return c > ' ' && c < 0x7f && c != '%';
}

int change_escape(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (o + 4 > len)
			return -1;
		if (plain(c))
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, len - o, "%%%02X", c);
	}
	buf[o] = '\0';
	return (int)o;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool change_unescape(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s; s++) {
		if (o + 1 >= len || !(plain((unsigned char)*s) || *s == '%'))
			return false;
		if (*s != '%') {
			buf[o++] = *s;
			continue;
		}
		int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);
		if (lo < 0 || (hi == 0 && lo == 0))
			return false;
		buf[o++] = (char)(hi * 16 + lo);
		s += 2;
	}
	buf[o] = '\0';
	return o > 0;
}

bool change_ifname_valid(const char *name)
{
	size_t n = strnlen(name, IF_NAMESIZE);

	if (n == 0 || n >= IF_NAMESIZE)
		return false;
	/* The kernel refuses these too; refusing them here keeps the line format unambiguous. */
	for (size_t i = 0; i < n; i++)
		if (name[i] <= ' ' || name[i] == '/' || name[i] == ':' || name[i] == 0x7f)
			return false;
	return true;
}

bool change_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	char *end;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] != '\0'))
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

const char *change_parse_iface(const char *index, const char *name, struct journal_entry *e)
{
	uint32_t v;

	if (!change_parse_u32(index, INT32_MAX, &v) || v == 0)
		return "bad interface index";
	if (!change_ifname_valid(name))
		return "bad interface name";
	e->ifindex = v;
	strcpy(e->ifname, name);
	return NULL;
}

int change_format_iface(const struct journal_entry *e, char *buf, size_t len)
{
	if (e->ifindex == 0 || e->ifindex > INT32_MAX || !change_ifname_valid(e->ifname))
		return -1;
	int n = snprintf(buf, len, "%u %s", e->ifindex, e->ifname);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

int change_iface_prepare(const struct change_env *env, struct journal_entry *e)
{
	e->ifindex = nlreq_ifindex(env->nl, e->ifname);
	if (e->ifindex != 0)
		return 0;
	char what[JOURNAL_LINE_MAX];
	change_kind_of(e->kind)->describe(e, what, sizeof(what));
	log_error("%s: %s: no such interface", env->label, what);
	return -1;
}

bool change_iface_same(const struct change_env *env, const struct journal_entry *e)
{
	return nlreq_ifindex(env->nl, e->ifname) == e->ifindex;
}

enum undo_result change_nl_undone(const struct change_env *env, int err, const char *what)
{
	if (err >= 0)
		return UNDO_REMOVED;
	if (nlreq_gone(env->nl, err)) {
		log_debug("%s: %s: already gone", env->label, what);
		return UNDO_GONE;
	}
	err_log(nlreq_err(env->nl, err, env->err, env->label, NULL, "cannot remove %s", what));
	return UNDO_FAILED;
}
