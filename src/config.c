#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "config_peer.h"
#include "pppd_options.h"
#include "words.h"
#include "xalloc.h"

enum keyword_id {
	KW_HOST,
	KW_PORT,
	KW_SSH_USER,
	KW_IDENTITY,
	KW_KNOWN_HOSTS,
	KW_SSH_OPTION,
	KW_REMOTE_COMMAND,
	KW_LOCAL_USER,
	KW_PAP_USER,
	KW_PAP_PASSWORD_FILE,
	KW_PAP_SECRETS,
	KW_ROUTE,
	KW_ROUTE_ALL,
	KW_DNS,
	KW_COMPRESSION,
	KW_PPPD_OPTION,
	KW_PTY,
	KW_LINKNAME,
	KW_REMOTENAME,
	KW_HEALTH,
	KW_HEALTH_INTERVAL,
	KW_HEALTH_TIMEOUT,
	KW_COUNT
};

struct config_reader {
	struct peer *peer;
	struct diag *diag;
	size_t errors_before; /* the diag may already hold other files' messages */
	unsigned first_line[KW_COUNT];
	unsigned *route_lines; /* where each route was given, for "given twice" */
};

typedef void set_fn(struct config_reader *r, const char *value, unsigned line);

struct keyword {
	const char *name;
	const char *usage; /* how to write it, for messages */
	bool repeatable;
	/* Shell commands and option lists: several words are taken as the line's raw text
	 * from the first of them to the last, so the quoting inside reaches sh or ssh as
	 * written ("pty ssh -e none 'a b'" runs exactly that); a single word is unquoted. */
	bool rest_of_line;
	set_fn *set;
};

static set_fn set_host, set_port, set_ssh_user, set_identity, set_known_hosts, set_ssh_option,
    set_remote_command, set_local_user, set_pap_user, set_pap_password_file, set_pap_secrets,
    set_route, set_route_all, set_dns, set_compression, set_pppd_option, set_pty, set_linkname,
    set_remotename, set_health, set_health_interval, set_health_timeout;

/* Indexed by enum keyword_id. */
static const struct keyword keywords[KW_COUNT] = {
    {"host", "host NAME", false, false, set_host},
    {"port", "port N", false, false, set_port},
    {"ssh-user", "ssh-user NAME", false, false, set_ssh_user},
    {"identity", "identity PATH", false, false, set_identity},
    {"known-hosts", "known-hosts PATH", false, false, set_known_hosts},
    {"ssh-option", "ssh-option KEY=VALUE", true, true, set_ssh_option},
    {"remote-command", "remote-command COMMAND", false, true, set_remote_command},
    {"local-user", "local-user NAME", false, false, set_local_user},
    {"pap-user", "pap-user NAME", false, false, set_pap_user},
    {"pap-password-file", "pap-password-file PATH", false, false, set_pap_password_file},
    {"pap-secrets", "pap-secrets PATH", false, false, set_pap_secrets},
    {"route", "route ADDRESS/PREFIX", true, false, set_route},
    {"route-all", "route-all yes|no", false, false, set_route_all},
    {"dns", "dns yes|no", false, false, set_dns},
    {"compression", "compression yes|no", false, false, set_compression},
    {"pppd-option", "pppd-option \"OPTION ...\"", true, true, set_pppd_option},
    {"pty", "pty COMMAND", false, true, set_pty},
    {"linkname", "linkname NAME", false, false, set_linkname},
    {"remotename", "remotename NAME", false, false, set_remotename},
    {"health", "health yes|no", false, false, set_health},
    {"health-interval", "health-interval SECONDS", false, false, set_health_interval},
    {"health-timeout", "health-timeout SECONDS", false, false, set_health_timeout},
};

static void error(struct config_reader *r, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void error(struct config_reader *r, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_add(r->diag, r->peer->file, line, "%s", msg);
	free(msg);
}

/* ---- values ---- */

static bool has_control(const char *s)
{
	for (; *s; s++)
		if (iscntrl((unsigned char)*s) && *s != '\t')
			return true;
	return false;
}

/* Every value: something, and nothing that would garble an argv word or a log line. */
static bool check_text(struct config_reader *r, unsigned line, enum keyword_id k, const char *v)
{
	if (*v == '\0') {
		error(r, line, "%s: empty value; write '%s'", keywords[k].name, keywords[k].usage);
		return false;
	}
	if (has_control(v)) {
		error(r, line, "%s: the value contains a control character", keywords[k].name);
		return false;
	}
	return true;
}

/* Names that become ssh or account arguments: one word, never taken for an option. */
static bool check_name(struct config_reader *r, unsigned line, enum keyword_id k, const char *v)
{
	if (!check_text(r, line, k, v))
		return false;
	if (v[strcspn(v, " \t")] != '\0') {
		error(r, line, "%s: '%s' contains a space; a name has none", keywords[k].name, v);
		return false;
	}
	if (v[0] == '-') {
		error(r, line, "%s: '%s' starts with '-', which ssh would take for an option",
		      keywords[k].name, v);
		return false;
	}
	return true;
}

static bool check_path(struct config_reader *r, unsigned line, enum keyword_id k, const char *v,
                       bool tilde)
{
	if (!check_text(r, line, k, v))
		return false;
	if (v[0] == '/' || (tilde && v[0] == '~'))
		return true;
	error(r, line, "%s: '%s' is not an absolute path; write it from /%s", keywords[k].name, v,
	      tilde ? " (or ~/ for local-user's home)" : "");
	return false;
}

static void replace(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

bool peer_name_valid(const char *name)
{
	size_t n = strlen(name);
	return n > 0 && n <= 32 && name[0] != '.' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
	           n;
}

static bool parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"yes", "true", "on"};
	static const char *const no[] = {"no", "false", "off"};
	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

static void set_bool(struct config_reader *r, unsigned line, enum keyword_id k, const char *v,
                     bool *field)
{
	if (!parse_bool(v, field))
		error(r, line, "%s: '%s' is not yes or no", keywords[k].name, v);
}

/* A file that holds a secret: root reads it, so anyone else able to read or change it
 * could learn or replace the secret. */
static void check_secret_file(struct config_reader *r, unsigned line, enum keyword_id k,
                              const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		error(r, line, "%s: cannot stat '%s': %s", keywords[k].name, path, strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		error(r, line, "%s: '%s' is not a regular file", keywords[k].name, path);
		return;
	}
	if (st.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH))
		error(r, line,
		      "%s: '%s' is readable or writable by group or others (mode %04o); "
		      "run 'chmod 600 %s'",
		      keywords[k].name, path, (unsigned)(st.st_mode & 07777), path);
}

/* ---- keywords ---- */

/* The longest DNS name, as ssh resolves it. */
#define MAX_HOST 253

static void set_host(struct config_reader *r, const char *v, unsigned line)
{
	if (strlen(v) > MAX_HOST) {
		error(r, line, "host: the name is %zu bytes long; a host name has at most %d",
		      strlen(v), MAX_HOST);
		return;
	}
	if (!check_name(r, line, KW_HOST, v))
		return;
	const char *at = strrchr(v, '@');
	if (at) {
		error(r, line, "host: '%s' contains '@'; write 'ssh-user %.*s' and 'host %s'", v,
		      (int)(at - v), v, at + 1);
		return;
	}
	replace(&r->peer->host, v);
}

static void set_port(struct config_reader *r, const char *v, unsigned line)
{
	size_t n = strspn(v, "0123456789");
	unsigned long port = n > 0 && n <= 5 && v[n] == '\0' ? strtoul(v, NULL, 10) : 0;
	if (port < 1 || port > 65535) {
		error(r, line, "port: '%s' is not a port number (1-65535)", v);
		return;
	}
	r->peer->port = (unsigned)port;
}

static void set_ssh_user(struct config_reader *r, const char *v, unsigned line)
{
	if (check_name(r, line, KW_SSH_USER, v))
		replace(&r->peer->ssh_user, v);
}

static void set_identity(struct config_reader *r, const char *v, unsigned line)
{
	if (check_path(r, line, KW_IDENTITY, v, true))
		replace(&r->peer->identity, v);
}

static void set_known_hosts(struct config_reader *r, const char *v, unsigned line)
{
	if (check_path(r, line, KW_KNOWN_HOSTS, v, true))
		replace(&r->peer->known_hosts, v);
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
static void set_ssh_option(struct config_reader *r, const char *v, unsigned line)
{
	if (!check_text(r, line, KW_SSH_OPTION, v))
		return;
	size_t klen = strcspn(v, "= \t");
	const char *val = v + klen;
	val += strspn(val, " \t");
	if (*val == '=')
		val += 1 + strspn(val + 1, " \t");
	char *key = xstrndup(v, klen);
	if (klen == 0 ||
	    strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != klen)
		error(r, line, "ssh-option: '%s' is not an ssh option name; write '%s'", key,
		      keywords[KW_SSH_OPTION].usage);
	else if (ssh_option_reserved(key))
		error(r, line,
		      "ssh-option: '%s' is set by sshdial itself, which always checks host keys "
		      "strictly; remove this line",
		      key);
	else if (*val == '\0')
		error(r, line, "ssh-option: '%s' has no value; write 'ssh-option %s=VALUE'", key,
		      key);
	else
		strv_pushf(r->peer->ssh_options, "%s=%s", key, val);
	free(key);
}

static void set_remote_command(struct config_reader *r, const char *v, unsigned line)
{
	if (check_text(r, line, KW_REMOTE_COMMAND, v))
		replace(&r->peer->remote_command, v);
}

static void set_local_user(struct config_reader *r, const char *v, unsigned line)
{
	if (check_name(r, line, KW_LOCAL_USER, v))
		replace(&r->peer->local_user, v);
}

static void set_pap_user(struct config_reader *r, const char *v, unsigned line)
{
	if (check_text(r, line, KW_PAP_USER, v))
		replace(&r->peer->pap_user, v);
}

static void set_secret_path(struct config_reader *r, unsigned line, enum keyword_id k,
                            const char *v, enum secret_source source)
{
	if (!check_path(r, line, k, v, false))
		return;
	check_secret_file(r, line, k, v);
	/* Both keywords given is reported by finish, which knows both lines. */
	if (r->peer->secret_source == SECRET_NONE) {
		r->peer->secret_source = source;
		replace(&r->peer->secret_path, v);
	}
}

static void set_pap_password_file(struct config_reader *r, const char *v, unsigned line)
{
	set_secret_path(r, line, KW_PAP_PASSWORD_FILE, v, SECRET_FILE);
}

static void set_pap_secrets(struct config_reader *r, const char *v, unsigned line)
{
	set_secret_path(r, line, KW_PAP_SECRETS, v, SECRET_PAP_SECRETS);
}

static void route_syntax_error(struct config_reader *r, unsigned line, const char *v,
                               enum cidr_status status)
{
	if (status == CIDR_BAD_PREFIX)
		error(r, line, "route: '%s' has a bad prefix length; %s", v,
		      strchr(v, ':') ? "IPv6 takes 0-128" : "IPv4 takes 0-32");
	else
		error(r, line,
		      "route: '%s' is not a network; write ADDRESS/PREFIX, as in '10.1.0.0/16' "
		      "or '2001:db8::/32'",
		      v);
}

static bool route_is_new(struct config_reader *r, unsigned line, const char *v,
                         const struct cidr *c)
{
	for (size_t i = 0; i < r->peer->route_count; i++) {
		if (cidr_equal(&r->peer->routes[i], c)) {
			error(r, line, "route: '%s' given twice (first at line %u)", v,
			      r->route_lines[i]);
			return false;
		}
	}
	return true;
}

static void set_route(struct config_reader *r, const char *v, unsigned line)
{
	struct cidr c;
	enum cidr_status status = cidr_parse_status(v, &c);
	if (status == CIDR_HOST_BITS) {
		char buf[CIDR_STRLEN];
		cidr_format(&c, buf, sizeof(buf));
		error(r, line, "route: '%s' has host bits set; did you mean '%s'?", v, buf);
		return;
	}
	if (status != CIDR_OK) {
		route_syntax_error(r, line, v, status);
		return;
	}
	if (c.prefixlen == 0) {
		error(r, line, "route: '%s' is the default route; write 'route-all yes' instead",
		      v);
		return;
	}
	if (!route_is_new(r, line, v, &c))
		return;
	struct peer *p = r->peer;
	p->routes = xrealloc(p->routes, p->route_count + 1, sizeof(*p->routes));
	r->route_lines = xrealloc(r->route_lines, p->route_count + 1, sizeof(*r->route_lines));
	p->routes[p->route_count] = c;
	r->route_lines[p->route_count++] = line;
}

static void set_route_all(struct config_reader *r, const char *v, unsigned line)
{
	set_bool(r, line, KW_ROUTE_ALL, v, &r->peer->route_all);
	/* Accepting it silently would leave traffic outside the tunnel that the user
	 * believes is inside: refuse until route-everything mode exists. */
	if (r->peer->route_all)
		error(r, line,
		      "route-all: not supported by this version of sshdial yet; list the networks "
		      "to reach through the link with 'route CIDR'");
}

static void set_dns(struct config_reader *r, const char *v, unsigned line)
{
	set_bool(r, line, KW_DNS, v, &r->peer->dns);
}

static void set_compression(struct config_reader *r, const char *v, unsigned line)
{
	set_bool(r, line, KW_COMPRESSION, v, &r->peer->compression);
}

/* Checks one pppd-option line's words, stepping over option values so that "name user"
 * is not taken for the 'user' option.  True if all of them may go to pppd. */
static bool check_pppd_words(struct config_reader *r, unsigned line, const struct strv *w)
{
	bool ok = true;
	for (size_t i = 0; i < strv_len(w); i++) {
		const char *word = strv_get(w, i);
		const char *why = pppd_option_refusal(word);
		if (why) {
			error(r, line, "pppd-option: '%s' is not allowed: %s", word, why);
			ok = false;
		}
		if (!pppd_option_takes_value(word))
			continue;
		if (i + 1 == strv_len(w)) {
			error(r, line,
			      "pppd-option: '%s' needs a value; write 'pppd-option \"%s VALUE\"'",
			      word, word);
			return false;
		}
		i++;
	}
	return ok;
}

static void set_pppd_option(struct config_reader *r, const char *v, unsigned line)
{
	if (!check_text(r, line, KW_PPPD_OPTION, v))
		return;
	const char *why;
	struct strv *w = words_split(v, &why);
	if (!w) {
		error(r, line, "pppd-option: %s", why);
		return;
	}
	if (check_pppd_words(r, line, w))
		for (size_t i = 0; i < strv_len(w); i++)
			strv_push(r->peer->pppd_options, strv_get(w, i));
	strv_free(w);
}

static void set_pty(struct config_reader *r, const char *v, unsigned line)
{
	if (check_text(r, line, KW_PTY, v))
		replace(&r->peer->pty, v);
}

/* pppd names its pid file after the link name, and sshdial its files and sockets. */
static void set_linkname(struct config_reader *r, const char *v, unsigned line)
{
	if (!peer_name_valid(v)) {
		error(r, line,
		      "linkname: '%s' is not a valid link name; use at most 32 letters, digits, "
		      "'.', '_' and '-', not starting with '.'",
		      v);
		return;
	}
	replace(&r->peer->linkname, v);
}

static void set_remotename(struct config_reader *r, const char *v, unsigned line)
{
	if (check_text(r, line, KW_REMOTENAME, v))
		replace(&r->peer->remotename, v);
}

/* ---- health ---- */

static void set_health(struct config_reader *r, const char *v, unsigned line)
{
	set_bool(r, line, KW_HEALTH, v, &r->peer->health);
}

/* Seconds with up to three decimals, 0.1 to 3600: "1", "0.5", "2.25". */
static bool parse_seconds(const char *v, unsigned *ms)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (errno || end == v || *end || !isdigit((unsigned char)*v) || d < 0.1 || d > 3600)
		return false;
	*ms = (unsigned)(d * 1000 + 0.5);
	return true;
}

static void set_health_interval(struct config_reader *r, const char *v, unsigned line)
{
	if (!parse_seconds(v, &r->peer->health_interval_ms))
		error(r, line, "health-interval: '%s' is not a number of seconds (0.1-3600)", v);
}

static void set_health_timeout(struct config_reader *r, const char *v, unsigned line)
{
	if (!parse_seconds(v, &r->peer->health_timeout_ms))
		error(r, line, "health-timeout: '%s' is not a number of seconds (0.1-3600)", v);
}

/* A timeout shorter than two probe periods would call a link dead for one lost probe. */
static void check_health(struct config_reader *r)
{
	const struct peer *p = r->peer;
	unsigned line = r->first_line[KW_HEALTH_TIMEOUT] ? r->first_line[KW_HEALTH_TIMEOUT]
	                                                 : r->first_line[KW_HEALTH_INTERVAL];
	if (line && p->health_timeout_ms < 2 * p->health_interval_ms)
		error(
		    r, line,
		    "health-timeout: %.3g s is less than twice health-interval (%.3g s); one lost "
		    "probe would end the link: raise health-timeout",
		    p->health_timeout_ms / 1000.0, p->health_interval_ms / 1000.0);
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
	p->health = true;
	p->health_interval_ms = PEER_HEALTH_INTERVAL_MS;
	p->health_timeout_ms = PEER_HEALTH_TIMEOUT_MS;
	r->peer = p;
	r->diag = d;
	r->errors_before = diag_count(d);
	if (!peer_name_valid(peer_name))
		error(r, 0,
		      "peer name '%s' is not valid: use at most 32 letters, digits, '.', '_' and "
		      "'-', not starting with '.'",
		      peer_name);
	return r;
}

static int find_keyword(const char *key)
{
	for (int k = 0; k < KW_COUNT; k++)
		if (strcasecmp(keywords[k].name, key) == 0)
			return k;
	return -1;
}

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;
	return m < c ? m : c;
}

/* Optimal string alignment distance: edits plus transpositions, so "hots" is one edit
 * from "host". */
static size_t edit_distance(const char *a, const char *b)
{
	enum { MAX = 40 };
	size_t la = strlen(a), lb = strlen(b);
	if (la >= MAX || lb >= MAX)
		return MAX;
	size_t d[MAX + 1][MAX + 1];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) != b[j - 1];
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == b[j - 2] &&
			    tolower((unsigned char)a[i - 2]) == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[la][lb];
}

static const char *closest_keyword(const char *key)
{
	const char *best = NULL;
	size_t best_distance = 3; /* farther than 2 edits is a guess, not a typo */
	for (int k = 0; k < KW_COUNT; k++) {
		size_t dist = edit_distance(key, keywords[k].name);
		if (dist < best_distance) {
			best_distance = dist;
			best = keywords[k].name;
		}
	}
	return best;
}

/* pppd words are common in peer files; they get a hint of their own before typos do,
 * since "mtu" is as close to "pty" as any typo. */
static void unknown_keyword(struct config_reader *r, unsigned line, const char *key)
{
	const char *instead = pppd_option_keyword(key);
	const char *why = pppd_option_refusal(key);
	if (instead)
		error(r, line, "unknown keyword '%s'; did you mean '%s'?", key, instead);
	else if (why)
		error(r, line, "unknown keyword '%s'; as a pppd option it is not allowed: %s", key,
		      why);
	else if (pppd_option_known(key))
		error(r, line, "unknown keyword '%s'; to pass it to pppd, write 'pppd-option %s%s'",
		      key, key, pppd_option_takes_value(key) ? " VALUE" : "");
	else if ((instead = closest_keyword(key)))
		error(r, line, "unknown keyword '%s'; did you mean '%s'?", key, instead);
	else
		error(r, line, "unknown keyword '%s'; see sshdial-peer(5)", key);
}

static void apply(struct config_reader *r, int k, const char *value, unsigned line)
{
	if (!keywords[k].repeatable && r->first_line[k]) {
		error(r, line, "%s: given twice (first at line %u)", keywords[k].name,
		      r->first_line[k]);
		return;
	}
	if (!r->first_line[k])
		r->first_line[k] = line;
	keywords[k].set(r, value, line);
}

void config_read_keyword(struct config_reader *r, const char *key, const char *value,
                         unsigned lineno)
{
	int k = find_keyword(key);
	if (k < 0)
		unknown_keyword(r, lineno, key);
	else
		apply(r, k, value, lineno);
}

void config_read_pppd_word(struct config_reader *r, const char *word, unsigned lineno)
{
	(void)lineno;
	strv_push(r->peer->pppd_options, word);
}

/* The words after the keyword on one line. */
struct line_values {
	size_t count;
	char *first;  /* unquoted */
	char *second; /* unquoted, for "unexpected" messages */
	size_t start; /* raw text from the first value's start to the last one's end */
	size_t end;
};

static bool read_values(struct words *w, struct line_values *v)
{
	const char *word;
	int n;
	while ((n = words_next(w, &word)) == 1) {
		if (v->count == 0) {
			v->first = xstrdup(word);
			v->start = words_start(w);
		} else if (v->count == 1) {
			v->second = xstrdup(word);
		}
		v->end = words_end(w);
		v->count++;
	}
	return n == 0;
}

static void apply_line(struct config_reader *r, const char *line, unsigned lineno, const char *key,
                       const struct line_values *v)
{
	int k = find_keyword(key);
	if (k < 0) {
		unknown_keyword(r, lineno, key);
	} else if (v->count == 0) {
		error(r, lineno, "%s: missing value; write '%s'", keywords[k].name,
		      keywords[k].usage);
	} else if (v->count == 1) {
		apply(r, k, v->first, lineno);
	} else if (keywords[k].rest_of_line) {
		char *raw = xstrndup(line + v->start, v->end - v->start);
		apply(r, k, raw, lineno);
		free(raw);
	} else {
		error(r, lineno,
		      "%s: unexpected '%s' after '%s'; quote a value that contains spaces",
		      keywords[k].name, v->second, v->first);
	}
}

void config_read_line(struct config_reader *r, const char *line, unsigned lineno)
{
	struct words *w = words_new(line, lineno);
	struct line_values v = {0};
	const char *word;
	int n = words_next(w, &word);
	if (n == 1) {
		char *key = xstrdup(word);
		if (read_values(w, &v))
			apply_line(r, line, lineno, key, &v);
		else
			n = -1;
		free(key);
	}
	if (n < 0)
		error(r, lineno, "%s", words_error(w));
	free(v.first);
	free(v.second);
	words_free(w);
}

/* ---- finishing: what only the whole file can tell ---- */

/* With pty, pppd runs that command instead of ssh: ssh settings would be ignored. */
static void check_pty_conflicts(struct config_reader *r)
{
	static const enum keyword_id ssh_only[] = {KW_HOST,           KW_PORT,        KW_SSH_USER,
	                                           KW_IDENTITY,       KW_KNOWN_HOSTS, KW_SSH_OPTION,
	                                           KW_REMOTE_COMMAND, KW_LOCAL_USER};
	for (size_t i = 0; i < sizeof(ssh_only) / sizeof(ssh_only[0]); i++) {
		enum keyword_id k = ssh_only[i];
		if (r->first_line[k])
			error(
			    r, r->first_line[k],
			    "%s: not used with 'pty' (line %u), which runs instead of ssh; remove "
			    "one of them",
			    keywords[k].name, r->first_line[KW_PTY]);
	}
}

static void check_required(struct config_reader *r)
{
	if (r->first_line[KW_PTY]) {
		check_pty_conflicts(r);
		return;
	}
	if (!r->first_line[KW_HOST])
		error(r, 0, "host: missing; name the ssh server with 'host NAME'");
	/* Never a silent default: ssh as root would use root's keys and known_hosts. */
	if (!r->first_line[KW_LOCAL_USER])
		error(r, 0,
		      "local-user: missing; name the local account whose ssh keys and known_hosts "
		      "ssh uses with 'local-user NAME' (root only if you name it)");
}

static void check_pap(struct config_reader *r)
{
	unsigned file_line = r->first_line[KW_PAP_PASSWORD_FILE];
	unsigned secrets_line = r->first_line[KW_PAP_SECRETS];
	unsigned user_line = r->first_line[KW_PAP_USER];
	if (file_line && secrets_line)
		error(
		    r, file_line > secrets_line ? file_line : secrets_line,
		    "%s: conflicts with %s at line %u; keep one",
		    keywords[file_line > secrets_line ? KW_PAP_PASSWORD_FILE : KW_PAP_SECRETS].name,
		    keywords[file_line > secrets_line ? KW_PAP_SECRETS : KW_PAP_PASSWORD_FILE].name,
		    file_line > secrets_line ? secrets_line : file_line);
	if ((file_line || secrets_line) && !user_line)
		error(r, file_line ? file_line : secrets_line,
		      "%s: needs 'pap-user NAME', the account to authenticate as",
		      keywords[file_line ? KW_PAP_PASSWORD_FILE : KW_PAP_SECRETS].name);
	if (user_line && !file_line && !secrets_line) {
		/* As pppd does: the secret for pap-user comes from its own secrets file. */
		check_secret_file(r, user_line, KW_PAP_USER, PPPD_PAP_SECRETS);
		r->peer->secret_source = SECRET_PAP_SECRETS;
		replace(&r->peer->secret_path, PPPD_PAP_SECRETS);
	}
}

static void reader_free(struct config_reader *r)
{
	free(r->route_lines);
	free(r);
}

void config_read_abort(struct config_reader *r)
{
	if (!r)
		return;
	peer_free(r->peer);
	reader_free(r);
}

struct peer *config_read_finish(struct config_reader *r)
{
	check_required(r);
	check_pap(r);
	check_health(r);
	struct peer *p = r->peer;
	if (!p->linkname)
		p->linkname = xstrdup(p->name);
	if (diag_count(r->diag) > r->errors_before) {
		config_read_abort(r);
		return NULL;
	}
	reader_free(r);
	return p;
}
