#include "conf/config_host.h"

#include <stdlib.h>
#include <string.h>

#include "conf/jump_spec.h"
#include "conf/keyword.h"
#include "lib/words.h"
#include "lib/xalloc.h"

/* The longest DNS name, as ssh resolves it. */
#define MAX_HOST 253

/* "NAME" or "NAME PORT": the port for this server alone, as OpenVPN's "remote HOST PORT";
 * a name with a colon stays a name (an IPv6 address). */
static bool host_port(const struct kw_place *at, const char *name, const char *text, unsigned *port)
{
	size_t n = strspn(text, "0123456789");
	unsigned long x = n && n <= 5 && text[n] == '\0' ? strtoul(text, NULL, 10) : 0;
	if (x < 1 || x > 65535) {
		kw_error(at,
		         "host: '%s' after '%s' is not a port number (1-65535); write 'host %s' "
		         "or 'host %s PORT'",
		         text, name, name, name);
		return false;
	}
	*port = (unsigned)x;
	return true;
}

static bool host_name_ok(const struct kw_place *at, const char *name)
{
	const char *at_sign = strrchr(name, '@');
	if (strlen(name) > MAX_HOST)
		kw_error(at, "host: the name is %zu bytes long; a host name has at most %d",
		         strlen(name), MAX_HOST);
	else if (name[0] == '-')
		kw_error(at, "host: '%s' starts with '-', which ssh would take for an option",
		         name);
	else if (at_sign)
		kw_error(at, "host: '%s' contains '@'; write 'ssh-user %.*s' and 'host %s'", name,
		         (int)(at_sign - name), name, at_sign + 1);
	else if (!jump_spec_host_valid(name))
		/* The rule of jump hosts: the name reaches ssh, and through 'jump' a
		 * ProxyCommand that a shell runs. */
		kw_error(at,
		         "host: '%s' is not a host name or an address (a name has only letters, "
		         "digits, '.', '-' and '_'; it would reach a shell through 'jump'); write "
		         "the server's DNS name or address",
		         name);
	else
		return true;
	return false;
}

/* Adds a server, or says why not: too many, or the same one given before. */
static void add_server(struct peer *p, const struct kw_place *at, const char *name, unsigned port)
{
	if (p->server_count == PEER_SERVERS_MAX) {
		kw_error(at, "host: more than %d servers; remove some 'host' lines",
		         PEER_SERVERS_MAX);
		return;
	}
	for (size_t i = 0; i < p->server_count; i++) {
		if (strcmp(p->servers[i].name, name) == 0 && p->servers[i].port == port) {
			kw_error(at, "host: '%s' is already given at line %u; remove one", name,
			         p->servers[i].line);
			return;
		}
	}
	p->servers = xrealloc(p->servers, p->server_count + 1, sizeof(*p->servers));
	p->servers[p->server_count++] = (struct peer_server){xstrdup(name), port, at->line};
	if (!p->host)
		p->host = xstrdup(name);
}

/* One server per line, "NAME [PORT]"; the first is also peer_host. */
void config_host_add(struct peer *p, const struct kw_place *at, const char *text, const char *usage)
{
	const char *why;
	unsigned port = 0;
	struct strv *w = words_split(text, &why);
	if (!w) {
		kw_error(at, "host: %s", why);
		return;
	}
	const char *name = strv_len(w) ? strv_get(w, 0) : "";
	if (strv_len(w) == 0)
		kw_error(at, "host: missing value; write '%s'", usage);
	else if (strv_len(w) > 2)
		kw_error(at, "host: unexpected '%s' after '%s %s'; write '%s'", strv_get(w, 2),
		         name, strv_get(w, 1), usage);
	else if (host_name_ok(at, name) &&
	         (strv_len(w) == 1 || host_port(at, name, strv_get(w, 1), &port)))
		add_server(p, at, name, port);
	strv_free(w);
}

void config_transport(struct peer *p, const struct kw_place *at, const char *text,
                      const char *usage)
{
	if (strcmp(text, "auto") == 0)
		p->transport = TRANSPORT_AUTO;
	else if (strcmp(text, "pty") == 0)
		p->transport = TRANSPORT_PTY;
	else if (strcmp(text, "frames") == 0)
		p->transport = TRANSPORT_FRAMES;
	else
		kw_error(at, "transport: '%s' is not auto, pty or frames; write '%s'", text, usage);
}

void config_host_order(struct peer *p, const struct kw_place *at, const char *text,
                       const char *usage)
{
	if (strcmp(text, "in-order") == 0 || strcmp(text, "random") == 0)
		p->host_random = strcmp(text, "random") == 0;
	else
		kw_error(at, "host-order: '%s' is neither in-order nor random; write '%s'", text,
		         usage);
}
