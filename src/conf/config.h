/* A peer: what one link dials, read from a peer file (sshdial's format or pppd's). */
#ifndef SSHDIAL_CONFIG_H
#define SSHDIAL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/cidr.h"
#include "lib/diag.h"
#include "lib/strv.h"

#define SSHDIAL_PEERS_DIR "/etc/sshdial/peers"
#define PPPD_PEERS_DIR "/etc/ppp/peers"
#define PPPD_PAP_SECRETS "/etc/ppp/pap-secrets"

struct peer;
struct config_reader;

/* The three-call parser: init, one call per line, finish.  Every error goes to diag as
 * "FILE:LINE: message"; finish returns NULL if there was any (and frees the reader). */
struct config_reader *config_read_init(const char *peer_name, const char *file, struct diag *d);
void config_read_line(struct config_reader *r, const char *line, unsigned lineno);
/* One keyword with its already-unquoted value: the pppd peer-file importer feeds it. */
void config_read_keyword(struct config_reader *r, const char *key, const char *value,
                         unsigned lineno);
struct peer *config_read_finish(struct config_reader *r);
/* One pppd argv word, passed on unchecked: for the pppd importer, which vets its words
 * itself (it may pass 'call' and 'file', which pppd-option refuses). */
void config_read_pppd_word(struct config_reader *r, const char *word, unsigned lineno);
/* The peer comes from a pppd peer file: its links run /etc/ppp/ip-up.d and ip-down.d. */
void config_read_pppd_file(struct config_reader *r);
/* A note on the file that is no error (an option dropped, and what replaces it): kept as
 * "FILE:LINE: message" for `check` (peer_notes). */
void config_read_note(struct config_reader *r, unsigned lineno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Frees the reader and the peer half read, adding no message: for a caller that found
 * the input unusable as a whole. */
void config_read_abort(struct config_reader *r);

/* The peer file's keywords (the docs test compares them with sshdial-peer(5)). */
struct kw_table;
const struct kw_table *config_keywords(void);

/* A peer name becomes file and socket names: the rule of lib/text.h (1-32 of
 * [A-Za-z0-9._-], no leading '.'). */
bool peer_name_valid(const char *name);

/* Reads a whole file in sshdial's format, within the limits of lines.h (regular file, no
 * NUL byte, lines and size bounded), but with no check of who could write it: peer_load
 * does that. */
struct peer *config_load_file(const char *peer_name, const char *path, struct diag *d);
/* The same for a file already open on fd; path names it in messages. */
struct peer *config_load_fd(const char *peer_name, int fd, const char *path, struct diag *d);

/* Finds PEER: a path (contains '/') is read as sshdial's format; a name is looked up in
 * peers_dir, then in ppp_peers_dir in pppd's syntax (secrets from pap_secrets).  A peer
 * found nowhere is a diag naming both places.  NULL arguments mean the defaults above.
 * The file is opened once with trusted_file_open() (no symbolic link; it and the
 * directories above it root's and writable by no one else) and that descriptor is
 * parsed: 'call' runs its pty command and pppd options as root. */
struct peer *peer_load(const char *name_or_path, const char *peers_dir, const char *ppp_peers_dir,
                       const char *pap_secrets, struct diag *d);
/* peer_load trusting files and directories of owner as well as root's: for tests, which
 * cannot write root's files; peer_load passes 0. */
struct peer *peer_load_trusting(const char *name_or_path, const char *peers_dir,
                                const char *ppp_peers_dir, const char *pap_secrets, uid_t owner,
                                struct diag *d);
void peer_free(struct peer *p);

/* Where the PAP secret comes from. */
enum secret_source {
	SECRET_NONE,        /* no PAP */
	SECRET_FILE,        /* pap-password-file: the whole file, trailing newline removed */
	SECRET_PAP_SECRETS, /* pap-secrets: pppd's secrets file, entry for pap-user */
};

const char *peer_name(const struct peer *p);
const char *peer_file(const struct peer *p);
const char *peer_host(const struct peer *p); /* NULL if pty is used instead */
unsigned peer_port(const struct peer *p);    /* 0: ssh's default */
/* The servers of the 'host' lines, in the file's order (0 when pty is used): a link dials
 * one per attempt and moves to the next when an attempt fails or the link dies. */
#define PEER_SERVERS_MAX 16
size_t peer_server_count(const struct peer *p);
const char *peer_server_host(const struct peer *p, size_t i);
/* The server's own port ('host NAME PORT'), else the peer's 'port'; 0: ssh's default. */
unsigned peer_server_port(const struct peer *p, size_t i);
/* ssh's default port, what 0 means above. */
#define SSH_DEFAULT_PORT 22
/* The port ssh connects to on server i: peer_server_port, or ssh's default. */
unsigned peer_server_port_or_default(const struct peer *p, size_t i);
bool peer_host_random(const struct peer *p);               /* host-order random */
const char *peer_ssh_user(const struct peer *p);           /* NULL: ssh's default */
const char *peer_identity(const struct peer *p);           /* NULL: ssh's default */
const char *peer_known_hosts(const struct peer *p);        /* NULL: ssh's default */
const struct strv *peer_ssh_options(const struct peer *p); /* "Key=Value" each */
const char *peer_remote_command(const struct peer *p);     /* NULL: none (forced command) */
/* How the PPP frames reach ssh: pppd on a pseudo-terminal, or frames over an L2TP channel
 * and sshdial's frame relay, no tty (frames/l2tp_link.h, frames/frame_relay.h).  auto (the
 * default): frames when this machine and the server can, else the pty; decided at each
 * dial (link/transport.h).  peer_transport resolves what the file alone decides: auto is
 * pty for a pty command (a classic pppd peer file), a remote-command and 'link no'. */
enum peer_transport { TRANSPORT_AUTO, TRANSPORT_PTY, TRANSPORT_FRAMES };
enum peer_transport peer_transport(const struct peer *p);
/* transport frames, as written (not auto). */
bool peer_frames(const struct peer *p);
const char *peer_local_user(const struct peer *p);  /* NULL only when pty is set */
const char *peer_pty_command(const struct peer *p); /* NULL: sshdial runs ssh */
const char *peer_pap_user(const struct peer *p);    /* NULL: no PAP */
enum secret_source peer_secret_source(const struct peer *p);
const char *peer_secret_path(const struct peer *p); /* the password file or the secrets file */
const char *peer_linkname(const struct peer *p);    /* defaults to the peer name */
const char *peer_remotename(const struct peer *p);  /* NULL: not given */
size_t peer_route_count(const struct peer *p);
const struct cidr *peer_route(const struct peer *p, size_t i);
bool peer_route_all(const struct peer *p);
bool peer_allow_lan(const struct peer *p);
/* ipv6 yes: IPv6 through the link, with the address ipv6-prefix and the link's IPv4
 * address give (cidr_ipv6_host); the prefix is meaningful only then. */
bool peer_ipv6(const struct peer *p);
const struct cidr *peer_ipv6_prefix(const struct peer *p);
bool peer_kill_switch(const struct peer *p);
/* kill-switch always (with route-all): the lockdown; the block stays after down, and the
 * daemon puts it back at boot (lockdown.h), until sshdial unlock or a peer file without it. */
bool peer_lockdown(const struct peer *p);
bool peer_dns(const struct peer *p);
bool peer_autostart(const struct peer *p); /* autostart yes: `sshdial daemon` dials it at start */
bool peer_compression(const struct peer *p);
const struct strv *peer_pppd_options(const struct peer *p); /* one argv word each */

/* sshdial's own probe through the link (health.c): on by default. */
#define PEER_HEALTH_INTERVAL_MS 1000
#define PEER_HEALTH_TIMEOUT_MS 3000
bool peer_health(const struct peer *p);
unsigned peer_health_interval_ms(const struct peer *p);
unsigned peer_health_timeout_ms(const struct peer *p);

/* Forwards and jump hosts (sshdial-peer(5), FORWARDS). */
struct forward_spec;
struct jump_spec;
bool peer_link(const struct peer *p); /* false: 'link no', forwards only, no pppd */
/* up-script and down-script (sshdial-peer(5)); NULL when not given. */
const char *peer_up_script(const struct peer *p);
const char *peer_down_script(const struct peer *p);
/* Read from a pppd peer file (/etc/ppp/peers/NAME): pppd's ip-up.d and ip-down.d run. */
bool peer_pppd_file(const struct peer *p);
/* What `check` says beside "configuration OK": "FILE:LINE: message" each. */
const struct strv *peer_notes(const struct peer *p);
size_t peer_forward_count(const struct peer *p);
const struct forward_spec *peer_forward(const struct peer *p, size_t i);
size_t peer_jump_count(const struct peer *p); /* in the order ssh goes through them */
const struct jump_spec *peer_jump(const struct peer *p, size_t i);
/* Whether a local listener of p (a port or socket of 'forward local' or 'socks') is also
 * one of another peer's in dir; each clash goes to d as p's "FILE:LINE: message". */
bool peer_forwards_clash(const struct peer *p, const char *dir, struct diag *d);

#endif
