/* A key's settings from its authorized_keys line (key_options), and resolving a key's settings
 * from server.conf's server-wide part, the line and the key's section. */
#include "server/server_conf.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/keyword.h"
#include "lib/xalloc.h"
#include "server/server_conf_section.h"

struct key_options *key_options_new(void)
{
	return xcalloc(1, sizeof(struct key_options));
}

void key_options_free(struct key_options *o)
{
	if (!o)
		return;
	server_conf_section_free(&o->s);
	free(o);
}

bool key_options_add(struct key_options *o, const char *keyword, const char *value,
                     const char *file, unsigned line, struct diag *d)
{
	const struct kw_place at = {d, file, line};
	int k = kw_find(server_conf_keywords(), keyword);
	if (k >= 0)
		return server_conf_apply(NULL, &o->s, IN_LINE, &at, k, value);
	server_conf_unknown_keyword(&at, keyword, true);
	return false;
}

static bool check_line_address(const struct section *s, const struct server_conf *c,
                               const char *name, const struct kw_place *at)
{
	char a[INET_ADDRSTRLEN], pool[CIDR_STRLEN];
	if (!s->given[SKW_ADDRESS])
		return true;
	inet_ntop(AF_INET, &s->address, a, sizeof(a));
	cidr_format(&c->pool, pool, sizeof(pool));
	if (!server_conf_in_pool(c, s->address)) {
		kw_error(at, "address: %s is outside the pool %s of %s%s", a, pool, c->file,
		         s->address.s_addr == c->local.s_addr ? " (it is the server's own address)"
		                                              : "");
		return false;
	}
	for (size_t i = 0; i < c->key_count; i++) {
		const struct section *k = &c->keys[i];
		if (k->given[SKW_ADDRESS] && k->address.s_addr == s->address.s_addr &&
		    strcmp(k->name, name) != 0) {
			kw_error(at, "address: %s is key '%s''s address in %s (line %u)", a,
			         k->name, c->file, k->given[SKW_ADDRESS]);
			return false;
		}
	}
	return true;
}

bool key_options_check(const struct key_options *o, const struct server_conf *c, const char *name,
                       const char *file, unsigned line, struct diag *d)
{
	const struct kw_place at = {d, file, line};
	return check_line_address(&o->s, c, name, &at);
}

/* Copies what s gives over out. */
static void overlay(struct key_settings *out, const struct section *s)
{
	if (s->given[SKW_ADDRESS]) {
		out->has_address = true;
		out->address = s->address;
	}
	if (s->given[SKW_MTU])
		out->mtu = s->mtu;
	if (s->given[SKW_MRU])
		out->mru = s->mru;
	if (s->given[SKW_DNS]) {
		out->dns_count = s->dns_count;
		memcpy(out->dns, s->dns, sizeof(out->dns));
	}
	if (s->given[SKW_PAP])
		out->pap = s->pap;
	if (s->given[SKW_PROXYARP])
		out->proxyarp = s->proxyarp;
	if (s->given[SKW_FORWARDING])
		out->forwarding = s->forwarding;
	if (s->given[SKW_MASQUERADE])
		out->masquerade = s->masquerade;
	if (s->given[SKW_IPV6_PREFIX]) {
		out->has_ipv6 = true;
		out->ipv6_prefix = s->ipv6_prefix;
	}
	if (s->given[SKW_ROUTE]) {
		out->route_count = s->routes.count;
		out->routes = s->routes.nets;
	}
}

bool server_conf_resolve(const struct server_conf *c, const char *name,
                         const struct key_options *line, const char *line_file, unsigned line_no,
                         struct key_settings *out, struct diag *d)
{
	*out = (struct key_settings){0};
	snprintf(out->name, sizeof(out->name), "%s", name);
	overlay(out, &c->server);
	if (line) {
		const struct kw_place at = {d, line_file, line_no};
		const struct section *own = server_conf_find_key(c, name);
		/* The section's address replaces the line's: no need to check the line's. */
		if (!(own && own->given[SKW_ADDRESS]) &&
		    !check_line_address(&line->s, c, name, &at))
			return false;
		overlay(out, &line->s);
	}
	const struct section *s = server_conf_find_key(c, name);
	if (s)
		overlay(out, s);
	return true;
}
