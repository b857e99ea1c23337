/* The fields of a peer: shared by the reader that fills them (config.c) and the
 * accessors (peer.c), and by nothing else. */
#ifndef SSHDIAL_CONFIG_PEER_H
#define SSHDIAL_CONFIG_PEER_H

#include "conf/config.h"
#include "conf/forward_spec.h"
#include "conf/jump_spec.h"
#include "conf/keyword.h"

/* One 'host' line: a server's name and its own port (0: the peer's 'port'). */
struct peer_server {
	char *name;
	unsigned port;
	unsigned line;
};

struct peer {
	char *name;
	char *file;
	char *host; /* the first server's name: peer_host */
	unsigned port;
	struct peer_server *servers; /* every 'host' line, in the file's order */
	size_t server_count;
	bool host_random;
	char *ssh_user;
	char *identity;
	char *known_hosts;
	struct strv *ssh_options;
	char *remote_command;
	enum peer_transport transport; /* as written; peer_transport() resolves auto */
	char *local_user;
	char *pty;
	char *pap_user;
	enum secret_source secret_source;
	char *secret_path;
	char *linkname;
	char *remotename;
	struct kw_networks routes; /* with the line of each, for "given twice" */
	bool route_all;
	bool allow_lan;
	bool kill_switch; /* default yes; with route_all only */
	bool lockdown;    /* kill-switch always */
	bool ipv6;        /* IPV6CP, and an address from ipv6_prefix at ip-up */
	struct cidr ipv6_prefix;
	bool dns;
	bool compression;
	struct strv *pppd_options;
	bool health;
	unsigned health_interval_ms;
	unsigned health_timeout_ms;
	bool autostart; /* the daemon dials it when it starts */
	bool link;      /* false: forwards only, no pppd */
	struct forward_spec *forwards;
	unsigned *forward_lines;
	size_t forward_count;
	struct jump_spec *jumps;
	size_t jump_count;
	char *up_script; /* NULL: none */
	char *down_script;
	bool pppd_file;     /* read from /etc/ppp/peers: /etc/ppp/ip-up.d and ip-down.d run */
	struct strv *notes; /* "FILE:LINE: what was dropped and what replaces it", for check */
};

/* config_forward.c: the setters and checks of forward, jump and link. */
void config_add_forward(struct peer *p, const struct kw_place *at, const char *text);
void config_add_jump(struct peer *p, const struct kw_place *at, const char *text);

#endif
