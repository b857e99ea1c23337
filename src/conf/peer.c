/* Accessors for a loaded peer (config.h), and freeing it. */
#include "conf/config.h"

#include <stdlib.h>

#include "conf/config_peer.h"

void peer_free(struct peer *p)
{
	if (!p)
		return;
	char *strings[] = {p->name,       p->file,        p->host,           p->ssh_user,
	                   p->identity,   p->known_hosts, p->remote_command, p->local_user,
	                   p->pty,        p->pap_user,    p->secret_path,    p->linkname,
	                   p->remotename, p->up_script,   p->down_script};
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		free(strings[i]);
	for (size_t i = 0; i < p->server_count; i++)
		free(p->servers[i].name);
	free(p->servers);
	strv_free(p->ssh_options);
	strv_free(p->pppd_options);
	strv_free(p->notes);
	kw_networks_free(&p->routes);
	free(p->forwards);
	free(p->forward_lines);
	free(p->jumps);
	free(p);
}

const char *peer_name(const struct peer *p)
{
	return p->name;
}

const char *peer_file(const struct peer *p)
{
	return p->file;
}

const char *peer_host(const struct peer *p)
{
	return p->host;
}

unsigned peer_port(const struct peer *p)
{
	return p->port;
}

size_t peer_server_count(const struct peer *p)
{
	return p->server_count;
}

const char *peer_server_host(const struct peer *p, size_t i)
{
	return i < p->server_count ? p->servers[i].name : NULL;
}

unsigned peer_server_port(const struct peer *p, size_t i)
{
	if (i < p->server_count && p->servers[i].port)
		return p->servers[i].port;
	return p->port;
}

unsigned peer_server_port_or_default(const struct peer *p, size_t i)
{
	unsigned port = peer_server_port(p, i);
	return port ? port : SSH_DEFAULT_PORT;
}

bool peer_host_random(const struct peer *p)
{
	return p->host_random;
}

const char *peer_ssh_user(const struct peer *p)
{
	return p->ssh_user;
}

const char *peer_identity(const struct peer *p)
{
	return p->identity;
}

const char *peer_known_hosts(const struct peer *p)
{
	return p->known_hosts;
}

const struct strv *peer_ssh_options(const struct peer *p)
{
	return p->ssh_options;
}

const char *peer_remote_command(const struct peer *p)
{
	return p->remote_command;
}

enum peer_transport peer_transport(const struct peer *p)
{
	if (p->transport == TRANSPORT_AUTO && (p->pty || p->remote_command || !p->link))
		return TRANSPORT_PTY;
	return p->transport;
}

bool peer_frames(const struct peer *p)
{
	return p->transport == TRANSPORT_FRAMES;
}

const char *peer_local_user(const struct peer *p)
{
	return p->local_user;
}

const char *peer_pty_command(const struct peer *p)
{
	return p->pty;
}

const char *peer_pap_user(const struct peer *p)
{
	return p->pap_user;
}

enum secret_source peer_secret_source(const struct peer *p)
{
	return p->secret_source;
}

const char *peer_secret_path(const struct peer *p)
{
	return p->secret_path;
}

const char *peer_linkname(const struct peer *p)
{
	return p->linkname;
}

const char *peer_remotename(const struct peer *p)
{
	return p->remotename;
}

size_t peer_route_count(const struct peer *p)
{
	return p->routes.count;
}

const struct cidr *peer_route(const struct peer *p, size_t i)
{
	return i < p->routes.count ? &p->routes.nets[i] : NULL;
}

bool peer_route_all(const struct peer *p)
{
	return p->route_all;
}

bool peer_allow_lan(const struct peer *p)
{
	return p->allow_lan;
}

bool peer_ipv6(const struct peer *p)
{
	return p->ipv6;
}

const struct cidr *peer_ipv6_prefix(const struct peer *p)
{
	return &p->ipv6_prefix;
}

bool peer_kill_switch(const struct peer *p)
{
	return p->kill_switch;
}

bool peer_lockdown(const struct peer *p)
{
	return p->route_all && p->lockdown;
}

bool peer_dns(const struct peer *p)
{
	return p->dns;
}

bool peer_compression(const struct peer *p)
{
	return p->compression;
}

const struct strv *peer_pppd_options(const struct peer *p)
{
	return p->pppd_options;
}

bool peer_health(const struct peer *p)
{
	return p->health;
}

unsigned peer_health_interval_ms(const struct peer *p)
{
	return p->health_interval_ms;
}

unsigned peer_health_timeout_ms(const struct peer *p)
{
	return p->health_timeout_ms;
}

bool peer_autostart(const struct peer *p)
{
	return p->autostart;
}

bool peer_link(const struct peer *p)
{
	return p->link;
}

size_t peer_forward_count(const struct peer *p)
{
	return p->forward_count;
}

const struct forward_spec *peer_forward(const struct peer *p, size_t i)
{
	return &p->forwards[i];
}

size_t peer_jump_count(const struct peer *p)
{
	return p->jump_count;
}

const struct jump_spec *peer_jump(const struct peer *p, size_t i)
{
	return &p->jumps[i];
}

const char *peer_up_script(const struct peer *p)
{
	return p->up_script;
}

const char *peer_down_script(const struct peer *p)
{
	return p->down_script;
}

bool peer_pppd_file(const struct peer *p)
{
	return p->pppd_file;
}

const struct strv *peer_notes(const struct peer *p)
{
	return p->notes;
}
