#include "conf/config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/config_host.h"
#include "conf/config_peer.h"
#include "conf/config_reader.h"
#include "conf/keyword.h"
#include "conf/pppd_options.h"
#include "lib/text.h"
#include "lib/file_read.h"
#include "lib/words.h"
#include "lib/xalloc.h"

/* The peer file's keywords, as sshdial-peer(5) lists them (tests/unit/test_docs.c). */
static const struct keyword keywords[PK_COUNT] = {
    [PK_HOST] = {.name = "host",
                 .kind = KW_TEXT,
                 .usage = "host NAME [PORT]",
                 .flags = KW_REPEATS | KW_REST_OF_LINE},
    [PK_PORT] = {.name = "port", .kind = KW_PORT, .usage = "port N"},
    [PK_HOST_ORDER] = {.name = "host-order",
                       .kind = KW_TEXT,
                       .usage = "host-order in-order|random"},
    [PK_SSH_USER] = {.name = "ssh-user", .kind = KW_NAME, .usage = "ssh-user NAME"},
    [PK_IDENTITY] = {.name = "identity",
                     .kind = KW_PATH,
                     .usage = "identity PATH",
                     .flags = KW_TILDE},
    [PK_KNOWN_HOSTS] = {.name = "known-hosts",
                        .kind = KW_PATH,
                        .usage = "known-hosts PATH",
                        .flags = KW_TILDE},
    [PK_SSH_OPTION] = {.name = "ssh-option",
                       .kind = KW_TEXT,
                       .usage = "ssh-option KEY=VALUE",
                       .flags = KW_REPEATS | KW_REST_OF_LINE},
    [PK_REMOTE_COMMAND] = {.name = "remote-command",
                           .kind = KW_TEXT,
                           .usage = "remote-command COMMAND",
                           .flags = KW_REST_OF_LINE},
    [PK_TRANSPORT] = {.name = "transport", .kind = KW_TEXT, .usage = "transport auto|pty|frames"},
    [PK_LOCAL_USER] = {.name = "local-user", .kind = KW_NAME, .usage = "local-user NAME"},
    [PK_PAP_USER] = {.name = "pap-user", .kind = KW_TEXT, .usage = "pap-user NAME"},
    [PK_PAP_PASSWORD_FILE] = {.name = "pap-password-file",
                              .kind = KW_PATH,
                              .usage = "pap-password-file PATH"},
    [PK_PAP_SECRETS] = {.name = "pap-secrets", .kind = KW_PATH, .usage = "pap-secrets PATH"},
    [PK_ROUTE] = {.name = "route",
                  .kind = KW_NETWORK,
                  .usage = "route ADDRESS/PREFIX",
                  .flags = KW_REPEATS},
    [PK_ROUTE_ALL] = {.name = "route-all", .kind = KW_BOOL, .usage = "route-all yes|no"},
    [PK_DNS] = {.name = "dns", .kind = KW_BOOL, .usage = "dns yes|no"},
    [PK_ALLOW_LAN] = {.name = "allow-lan", .kind = KW_BOOL, .usage = "allow-lan yes|no"},
    [PK_KILL_SWITCH] = {.name = "kill-switch",
                        .kind = KW_NAME,
                        .usage = "kill-switch yes|no|always"},
    [PK_IPV6] = {.name = "ipv6", .kind = KW_BOOL, .usage = "ipv6 yes|no"},
    [PK_IPV6_PREFIX] = {.name = "ipv6-prefix",
                        .kind = KW_NETWORK,
                        .usage = "ipv6-prefix ADDRESS/PREFIX"},
    [PK_COMPRESSION] = {.name = "compression", .kind = KW_BOOL, .usage = "compression yes|no"},
    [PK_PPPD_OPTION] = {.name = "pppd-option",
                        .kind = KW_TEXT,
                        .usage = "pppd-option \"OPTION ...\"",
                        .flags = KW_REPEATS | KW_REST_OF_LINE},
    [PK_PTY] = {.name = "pty", .kind = KW_TEXT, .usage = "pty COMMAND", .flags = KW_REST_OF_LINE},
    [PK_LINKNAME] = {.name = "linkname", .kind = KW_TEXT, .usage = "linkname NAME"},
    [PK_REMOTENAME] = {.name = "remotename", .kind = KW_TEXT, .usage = "remotename NAME"},
    [PK_HEALTH] = {.name = "health", .kind = KW_BOOL, .usage = "health yes|no"},
    [PK_HEALTH_INTERVAL] = {.name = "health-interval",
                            .kind = KW_SECONDS,
                            .usage = "health-interval SECONDS"},
    [PK_HEALTH_TIMEOUT] = {.name = "health-timeout",
                           .kind = KW_SECONDS,
                           .usage = "health-timeout SECONDS"},
    [PK_AUTOSTART] = {.name = "autostart", .kind = KW_BOOL, .usage = "autostart yes|no"},
    [PK_FORWARD] = {.name = "forward",
                    .kind = KW_TEXT,
                    .usage = "forward local|remote|socks [BIND:]PORT [HOST:PORT]",
                    .flags = KW_REPEATS | KW_REST_OF_LINE},
    [PK_LINK] = {.name = "link", .kind = KW_BOOL, .usage = "link yes|no"},
    [PK_JUMP] = {.name = "jump",
                 .kind = KW_TEXT,
                 .usage = "jump [USER@]HOST[:PORT]",
                 .flags = KW_REPEATS},
    [PK_UP_SCRIPT] = {.name = "up-script", .kind = KW_PATH, .usage = "up-script PATH"},
    [PK_DOWN_SCRIPT] = {.name = "down-script", .kind = KW_PATH, .usage = "down-script PATH"},
};

static const struct kw_table table = {keywords, PK_COUNT, "quote a value that contains spaces"};

const struct kw_table *config_keywords(void)
{
	return &table;
}

struct kw_place config_place(const struct config_reader *r, unsigned line)
{
	return (struct kw_place){r->diag, r->peer->file, line};
}

/* ---- setters: what a value means beyond its kind ---- */

typedef void set_fn(struct config_reader *r, int k, const struct kw_place *at,
                    const struct kw_value *v);

static void replace(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

bool peer_name_valid(const char *name)
{
	return safe_name_valid(name);
}

static void *field_of(struct config_reader *r, int k);

/* The setters of values kept as they are, in the peer's field for the keyword. */
static void set_string(struct config_reader *r, int k, const struct kw_place *at,
                       const struct kw_value *v)
{
	(void)at;
	replace(field_of(r, k), v->text);
}

static void set_flag(struct config_reader *r, int k, const struct kw_place *at,
                     const struct kw_value *v)
{
	(void)at;
	*(bool *)field_of(r, k) = v->yes;
}

static void set_number(struct config_reader *r, int k, const struct kw_place *at,
                       const struct kw_value *v)
{
	(void)at;
	*(unsigned *)field_of(r, k) = v->number;
}

/* A file that holds a secret: root reads it, so anyone else able to read or change it
 * could learn or replace the secret. */
void config_check_secret_file(const struct kw_place *at, int k, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		kw_errno(at, errno, "%s: cannot stat '%s'", keywords[k].name, path);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		kw_error(at, "%s: '%s' is not a regular file", keywords[k].name, path);
		return;
	}
	if (st.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH))
		kw_error(at,
		         "%s: '%s' is readable or writable by group or others (mode %04o); "
		         "run 'chmod 600 %s'",
		         keywords[k].name, path, (unsigned)(st.st_mode & 07777), path);
}

/* One server per line, "NAME [PORT]" (config_host.c). */
static void set_host(struct config_reader *r, int k, const struct kw_place *at,
                     const struct kw_value *v)
{
	config_host_add(r->peer, at, v->text, keywords[k].usage);
}

static void set_transport(struct config_reader *r, int k, const struct kw_place *at,
                          const struct kw_value *v)
{
	config_transport(r->peer, at, v->text, keywords[k].usage);
}

static void set_host_order(struct config_reader *r, int k, const struct kw_place *at,
                           const struct kw_value *v)
{
	config_host_order(r->peer, at, v->text, keywords[k].usage);
}

/* sshdial sets these on every ssh command line; ssh takes the first value it is given,
 * so a user's copy would be either ignored or, worse, win. */
static bool ssh_option_reserved(const char *key)
{
	static const char *const reserved[] = {"StrictHostKeyChecking", "BatchMode", "RequestTTY",
	                                       "EscapeChar"};
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strcasecmp(key, reserved[i]) == 0)
			return true;
	return false;
}

/* "Key=Value", "Key Value" and "Key = Value" all mean the same, as in ssh_config. */
static void set_ssh_option(struct config_reader *r, int k, const struct kw_place *at,
                           const struct kw_value *value)
{
	const char *v = value->text;
	size_t klen = strcspn(v, "= \t");
	const char *val = v + klen;
	val += strspn(val, " \t");
	if (*val == '=')
		val += 1 + strspn(val + 1, " \t");
	char *key = xstrndup(v, klen);
	if (klen == 0 ||
	    strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != klen)
		kw_error(at, "ssh-option: '%s' is not an ssh option name; write '%s'", key,
		         keywords[k].usage);
	else if (ssh_option_reserved(key))
		kw_error(at,
		         "ssh-option: '%s' is set by sshdial itself, which always checks host keys "
		         "strictly; remove this line",
		         key);
	else if (*val == '\0')
		kw_error(at, "ssh-option: '%s' has no value; write 'ssh-option %s=VALUE'", key,
		         key);
	else
		strv_pushf(r->peer->ssh_options, "%s=%s", key, val);
	free(key);
}

static void set_secret_path(struct config_reader *r, int k, const struct kw_place *at,
                            const struct kw_value *v)
{
	config_check_secret_file(at, k, v->text);
	/* Both keywords given is reported by finish, which knows both lines. */
	if (r->peer->secret_source == SECRET_NONE) {
		r->peer->secret_source = k == PK_PAP_SECRETS ? SECRET_PAP_SECRETS : SECRET_FILE;
		replace(&r->peer->secret_path, v->text);
	}
}

static void set_route(struct config_reader *r, int k, const struct kw_place *at,
                      const struct kw_value *v)
{
	if (v->network.prefixlen == 0)
		kw_error(at, "route: '%s' is the default route; write 'route-all yes' instead",
		         v->text);
	else
		kw_networks_add(&r->peer->routes, keywords[k].name, at, v);
}

/* Checks one pppd-option line's words, stepping over option values so that "name user"
 * is not taken for the 'user' option.  True if all of them may go to pppd. */
static bool check_pppd_words(const struct kw_place *at, const struct strv *w)
{
	bool ok = true;
	for (size_t i = 0; i < strv_len(w); i++) {
		const char *word = strv_get(w, i);
		const char *why = pppd_option_refusal(word);
		if (why) {
			kw_error(at, "pppd-option: '%s' is not allowed: %s", word, why);
			ok = false;
		}
		if (!pppd_option_takes_value(word))
			continue;
		if (i + 1 == strv_len(w)) {
			kw_error(
			    at, "pppd-option: '%s' needs a value; write 'pppd-option \"%s VALUE\"'",
			    word, word);
			return false;
		}
		i++;
	}
	return ok;
}

static void set_pppd_option(struct config_reader *r, int k, const struct kw_place *at,
                            const struct kw_value *v)
{
	(void)k;
	const char *why;
	struct strv *w = words_split(v->text, &why);
	if (!w) {
		kw_error(at, "pppd-option: %s", why);
		return;
	}
	if (check_pppd_words(at, w))
		for (size_t i = 0; i < strv_len(w); i++)
			strv_push(r->peer->pppd_options, strv_get(w, i));
	strv_free(w);
}

/* pppd names its pid file after the link name, and sshdial its files and sockets. */
static void set_linkname(struct config_reader *r, int k, const struct kw_place *at,
                         const struct kw_value *v)
{
	(void)k;
	if (peer_name_valid(v->text))
		replace(&r->peer->linkname, v->text);
	else
		kw_error(at,
		         "linkname: '%s' is not a valid link name; use at most 32 letters, digits, "
		         "'.', '_' and '-', not starting with '.'",
		         v->text);
}

static void set_forward(struct config_reader *r, int k, const struct kw_place *at,
                        const struct kw_value *v)
{
	(void)k;
	config_add_forward(r->peer, at, v->text);
}

static void set_jump(struct config_reader *r, int k, const struct kw_place *at,
                     const struct kw_value *v)
{
	(void)k;
	config_add_jump(r->peer, at, v->text);
}

/* yes and no as any flag reads them; always: the lockdown (the block stays after down and
 * across a reboot, until sshdial unlock). */
static void set_kill_switch(struct config_reader *r, int k, const struct kw_place *at,
                            const struct kw_value *v)
{
	static const char *const yes[] = {"yes", "true", "on"};
	static const char *const no[] = {"no", "false", "off"};
	if (strcasecmp(v->text, "always") == 0) {
		r->peer->kill_switch = r->peer->lockdown = true;
		return;
	}
	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(v->text, yes[i]) == 0 || strcasecmp(v->text, no[i]) == 0) {
			r->peer->kill_switch = strcasecmp(v->text, yes[i]) == 0;
			r->peer->lockdown = false;
			return;
		}
	}
	kw_error(at, "kill-switch: '%s' is not yes, no or always; write '%s'", v->text,
	         keywords[k].usage);
}

/* The server's ipv6-prefix: this end's address is it with the link's IPv4 address as the
 * last 32 bits, as the server computes it (cidr_ipv6_host). */
static void set_ipv6_prefix(struct config_reader *r, int k, const struct kw_place *at,
                            const struct kw_value *v)
{
	(void)k;
	if (cidr_ipv6_prefix_ok(&v->network))
		r->peer->ipv6_prefix = v->network;
	else
		kw_error(at,
		         "ipv6-prefix: '%s' is not an IPv6 prefix of /96 or shorter; write the "
		         "server's, as in 'ipv6-prefix fd83:1::/64'",
		         v->text);
}

/* up-script and down-script run as root: root's file, in root's directories, that no one
 * else can change (trusted_file.h), and executable. */
static void set_script(struct config_reader *r, int k, const struct kw_place *at,
                       const struct kw_value *v)
{
	struct diag *d = diag_new();
	int fd = trusted_file_open(v->text, 0, d);
	struct stat st;
	for (size_t i = 0; i < diag_count(d); i++)
		kw_error(at, "%s: %s (the script runs as root)", keywords[k].name, diag_get(d, i));
	if (fd >= 0 && fstat(fd, &st) == 0 && !(st.st_mode & S_IXUSR))
		kw_error(at, "%s: '%s' is not executable; run 'chmod 755 %s'", keywords[k].name,
		         v->text, v->text);
	else if (fd >= 0)
		replace(field_of(r, k), v->text);
	if (fd >= 0)
		close(fd);
	diag_free(d);
}

/* Indexed by enum peer_keyword, beside the table: what each keyword does with its value. */
static const struct {
	set_fn *set;
	size_t field; /* where set_string, set_flag and set_number keep it */
} setters[PK_COUNT] = {
    [PK_HOST] = {.set = set_host},
    [PK_PORT] = {.set = set_number, .field = offsetof(struct peer, port)},
    [PK_HOST_ORDER] = {.set = set_host_order},
    [PK_SSH_USER] = {.set = set_string, .field = offsetof(struct peer, ssh_user)},
    [PK_IDENTITY] = {.set = set_string, .field = offsetof(struct peer, identity)},
    [PK_KNOWN_HOSTS] = {.set = set_string, .field = offsetof(struct peer, known_hosts)},
    [PK_SSH_OPTION] = {.set = set_ssh_option},
    [PK_REMOTE_COMMAND] = {.set = set_string, .field = offsetof(struct peer, remote_command)},
    [PK_TRANSPORT] = {.set = set_transport},
    [PK_LOCAL_USER] = {.set = set_string, .field = offsetof(struct peer, local_user)},
    [PK_PAP_USER] = {.set = set_string, .field = offsetof(struct peer, pap_user)},
    [PK_PAP_PASSWORD_FILE] = {.set = set_secret_path},
    [PK_PAP_SECRETS] = {.set = set_secret_path},
    [PK_ROUTE] = {.set = set_route},
    [PK_ROUTE_ALL] = {.set = set_flag, .field = offsetof(struct peer, route_all)},
    [PK_DNS] = {.set = set_flag, .field = offsetof(struct peer, dns)},
    [PK_ALLOW_LAN] = {.set = set_flag, .field = offsetof(struct peer, allow_lan)},
    [PK_KILL_SWITCH] = {.set = set_kill_switch},
    [PK_IPV6] = {.set = set_flag, .field = offsetof(struct peer, ipv6)},
    [PK_IPV6_PREFIX] = {.set = set_ipv6_prefix},
    [PK_COMPRESSION] = {.set = set_flag, .field = offsetof(struct peer, compression)},
    [PK_PPPD_OPTION] = {.set = set_pppd_option},
    [PK_PTY] = {.set = set_string, .field = offsetof(struct peer, pty)},
    [PK_LINKNAME] = {.set = set_linkname},
    [PK_REMOTENAME] = {.set = set_string, .field = offsetof(struct peer, remotename)},
    [PK_HEALTH] = {.set = set_flag, .field = offsetof(struct peer, health)},
    [PK_HEALTH_INTERVAL] = {.set = set_number, .field = offsetof(struct peer, health_interval_ms)},
    [PK_HEALTH_TIMEOUT] = {.set = set_number, .field = offsetof(struct peer, health_timeout_ms)},
    [PK_AUTOSTART] = {.set = set_flag, .field = offsetof(struct peer, autostart)},
    [PK_FORWARD] = {.set = set_forward},
    [PK_LINK] = {.set = set_flag, .field = offsetof(struct peer, link)},
    [PK_JUMP] = {.set = set_jump},
    [PK_UP_SCRIPT] = {.set = set_script, .field = offsetof(struct peer, up_script)},
    [PK_DOWN_SCRIPT] = {.set = set_script, .field = offsetof(struct peer, down_script)},
};

static void *field_of(struct config_reader *r, int k)
{
	return (char *)r->peer + setters[k].field;
}

/* ---- the reader ---- */

struct config_reader *config_read_init(const char *peer_name, const char *file, struct diag *d)
{
	struct config_reader *r = xcalloc(1, sizeof(*r));
	struct peer *p = xcalloc(1, sizeof(*p));
	p->name = xstrdup(peer_name);
	p->file = xstrdup(file);
	p->ssh_options = strv_new();
	p->pppd_options = strv_new();
	p->notes = strv_new();
	p->health = true;
	p->kill_switch = true;
	p->link = true;
	p->health_interval_ms = PEER_HEALTH_INTERVAL_MS;
	p->health_timeout_ms = PEER_HEALTH_TIMEOUT_MS;
	r->peer = p;
	r->diag = d;
	r->errors_before = diag_count(d);
	const struct kw_place whole = config_place(r, 0);
	if (!peer_name_valid(peer_name))
		kw_error(
		    &whole,
		    "peer name '%s' is not valid: use at most 32 letters, digits, '.', '_' and "
		    "'-', not starting with '.'",
		    peer_name);
	return r;
}

/* pppd words are common in peer files; they get a hint of their own before typos do,
 * since "mtu" is as close to "pty" as any typo. */
static void unknown_keyword(const struct kw_place *at, const char *key)
{
	const char *instead = pppd_option_keyword(key);
	const char *why = pppd_option_refusal(key);
	if (instead)
		kw_error(at, "unknown keyword '%s'; did you mean '%s'?", key, instead);
	else if (why)
		kw_error(at, "unknown keyword '%s'; as a pppd option it is not allowed: %s", key,
		         why);
	else if (pppd_option_known(key))
		kw_error(at, "unknown keyword '%s'; to pass it to pppd, write 'pppd-option %s%s'",
		         key, key, pppd_option_takes_value(key) ? " VALUE" : "");
	else if ((instead = kw_closest(&table, key)))
		kw_error(at, "unknown keyword '%s'; did you mean '%s'?", key, instead);
	else
		kw_error(at, "unknown keyword '%s'; see sshdial-peer(5)", key);
}

static void apply(struct config_reader *r, int k, const struct kw_place *at, const char *value)
{
	struct kw_value v;
	if (kw_take(&table, k, at, &r->first_line[k], value, &v))
		setters[k].set(r, k, at, &v);
}

void config_read_keyword(struct config_reader *r, const char *key, const char *value,
                         unsigned lineno)
{
	const struct kw_place at = config_place(r, lineno);
	int k = kw_find(&table, key);
	if (k < 0)
		unknown_keyword(&at, key);
	else
		apply(r, k, &at, value);
}

void config_read_pppd_file(struct config_reader *r)
{
	r->peer->pppd_file = true;
}

void config_read_note(struct config_reader *r, unsigned lineno, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	strv_pushf(r->peer->notes, "%s:%u: %s", r->peer->file, lineno, msg);
	free(msg);
}

void config_read_pppd_word(struct config_reader *r, const char *word, unsigned lineno)
{
	(void)lineno;
	strv_push(r->peer->pppd_options, word);
}

void config_read_line(struct config_reader *r, const char *line, unsigned lineno)
{
	const struct kw_place at = config_place(r, lineno);
	struct kw_line l;
	int n = kw_read_line(&table, &at, line, &l);
	if (n < 0)
		unknown_keyword(&at, l.key);
	else if (n > 0)
		apply(r, l.k, &at, l.value);
	kw_line_free(&l);
}

void config_read_abort(struct config_reader *r)
{
	if (!r)
		return;
	peer_free(r->peer);
	free(r);
}

struct peer *config_read_finish(struct config_reader *r)
{
	config_check_file(r);
	struct peer *p = r->peer;
	if (!p->linkname)
		p->linkname = xstrdup(p->name);
	if (diag_count(r->diag) > r->errors_before) {
		config_read_abort(r);
		return NULL;
	}
	free(r);
	return p;
}
