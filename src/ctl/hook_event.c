#include "ctl/hook_event.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const char *const kind_names[] = {
    [HOOK_IP_UP] = "ip-up", [HOOK_IP_DOWN] = "ip-down", [HOOK_UNLOCK] = "unlock"};
_Static_assert(sizeof(kind_names) / sizeof(kind_names[0]) == HOOK_KIND_COUNT,
               "a name for each hook kind");

const char *hook_kind_name(enum hook_kind kind)
{
	return kind_names[kind];
}

bool hook_kind_parse(const char *name, enum hook_kind *kind)
{
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (strcmp(name, kind_names[i]) == 0) {
			*kind = (enum hook_kind)i;
			return true;
		}
	}
	return false;
}

size_t hook_event_format(const struct hook_event *ev, char *buf, size_t len)
{
	int n = snprintf(buf, len,
	                 "event=%s\npeer=%s\nifname=%s\nlocal=%s\nremote=%s\ndns1=%s\ndns2=%s\n"
	                 "tty=%s\nspeed=%s\n",
	                 hook_kind_name(ev->kind), ev->peer, ev->ifname, ev->local, ev->remote,
	                 ev->dns1, ev->dns2, ev->tty, ev->speed);
	return n > 0 && (size_t)n < len ? (size_t)n : 0;
}

static bool valid_name(const char *s, bool allow_empty)
{
	if (!*s)
		return allow_empty;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' || *s == '_'))
			return false;
	return true;
}

static bool valid_addr(const char *s, bool allow_empty)
{
	unsigned char bin[16];
	if (!*s)
		return allow_empty;
	return inet_pton(AF_INET, s, bin) == 1 || inet_pton(AF_INET6, s, bin) == 1;
}

static bool set_field(char *dst, size_t size, const char *val, size_t vlen)
{
	if (vlen >= size)
		return false;
	memcpy(dst, val, vlen);
	dst[vlen] = 0;
	return true;
}

static bool parse_line(struct hook_event *ev, const char *line, size_t n, bool *have_kind,
                       const char **why)
{
	const char *eq = memchr(line, '=', n);
	if (!eq) {
		*why = "a line without '='";
		return false;
	}
	size_t klen = (size_t)(eq - line), vlen = n - klen - 1;
	const char *val = eq + 1;
	struct {
		const char *key;
		char *dst;
		size_t size;
	} fields[] = {
	    {"peer", ev->peer, sizeof(ev->peer)},    {"ifname", ev->ifname, sizeof(ev->ifname)},
	    {"local", ev->local, sizeof(ev->local)}, {"remote", ev->remote, sizeof(ev->remote)},
	    {"dns1", ev->dns1, sizeof(ev->dns1)},    {"dns2", ev->dns2, sizeof(ev->dns2)},
	    {"tty", ev->tty, sizeof(ev->tty)},       {"speed", ev->speed, sizeof(ev->speed)},
	};
	if (klen == 5 && memcmp(line, "event", 5) == 0) {
		char name[16];
		if (!set_field(name, sizeof(name), val, vlen) ||
		    !hook_kind_parse(name, &ev->kind)) {
			*why = "an unknown event";
			return false;
		}
		*have_kind = true;
		return true;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (strlen(fields[i].key) == klen && memcmp(line, fields[i].key, klen) == 0) {
			if (!set_field(fields[i].dst, fields[i].size, val, vlen)) {
				*why = "an overlong value";
				return false;
			}
			return true;
		}
	}
	*why = "an unknown key";
	return false;
}

/* pppd's device ("/dev/pts/3") and speed ("38400"), each maybe empty. */
static bool valid_tty(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '/' || *s == '.' || *s == '-' || *s == '_'))
			return false;
	return true;
}

static bool valid_speed(const char *s)
{
	return strspn(s, "0123456789") == strlen(s);
}

bool hook_event_parse(const char *buf, size_t len, struct hook_event *ev, const char **why)
{
	bool have_kind = false;
	memset(ev, 0, sizeof(*ev));
	if (len > HOOK_MSG_MAX || memchr(buf, 0, len)) {
		*why = "an oversized or binary message";
		return false;
	}
	while (len) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) : len;
		if (n && !parse_line(ev, buf, n, &have_kind, why))
			return false;
		buf += nl ? n + 1 : n;
		len -= nl ? n + 1 : n;
	}
	if (have_kind && ev->kind == HOOK_UNLOCK) {
		bool empty = !ev->ifname[0] && !ev->local[0] && !ev->remote[0] && !ev->dns1[0] &&
		             !ev->dns2[0] && !ev->tty[0] && !ev->speed[0];
		*why = "an unlock request names only a peer";
		return valid_name(ev->peer, false) && empty;
	}
	if (!have_kind || !valid_name(ev->peer, false) || !valid_name(ev->ifname, false)) {
		*why = "a missing event, peer or interface name";
		return false;
	}
	if (!valid_addr(ev->local, false) || !valid_addr(ev->remote, false) ||
	    !valid_addr(ev->dns1, true) || !valid_addr(ev->dns2, true)) {
		*why = "an invalid address";
		return false;
	}
	if (!valid_tty(ev->tty) || !valid_speed(ev->speed)) {
		*why = "an invalid tty or speed";
		return false;
	}
	return true;
}
