#include "server/authorized_keys.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/text.h"
#include "lib/err.h"
#include "lib/words.h"
#include "lib/xalloc.h"
#include "server/permit.h"

static const char *const key_types[] = {
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "ssh-dss",
};

static bool known_type(const char *t, size_t n)
{
	for (size_t i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
		if (strlen(key_types[i]) == n && strncmp(key_types[i], t, n) == 0)
			return true;
	return false;
}

static int b64_value(int c)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(alphabet, c) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

/* Decodes standard padded base64; the decoded length, or -1. */
static long b64_decode(const char *s, size_t n, unsigned char *out, size_t cap)
{
	size_t o = 0;
	if (n == 0 || n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int v[4], pad = 0;
		for (int j = 0; j < 4; j++) {
			bool last = i + 4 == n;
			if (s[i + j] == '=' && last && j >= 2 && (j == 3 || s[i + 3] == '=')) {
				v[j] = 0;
				pad++;
			} else if ((v[j] = b64_value((unsigned char)s[i + j])) < 0 || pad) {
				return -1;
			}
		}
		uint32_t x = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
		             (uint32_t)v[3];
		for (int j = 0; j < 3 - pad; j++) {
			if (o == cap)
				return -1;
			out[o++] = (unsigned char)(x >> (16 - 8 * j));
		}
	}
	return (long)o;
}

/* The blob starts with the key type as an ssh string. */
static bool blob_matches(const char *type, size_t tlen, const char *b64, size_t blen)
{
	unsigned char blob[4096];
	long n = b64_decode(b64, blen, blob, sizeof(blob));
	if (n < 4)
		return false;
	uint32_t l =
	    (uint32_t)blob[0] << 24 | (uint32_t)blob[1] << 16 | (uint32_t)blob[2] << 8 | blob[3];
	return l == tlen && (size_t)n >= 4 + tlen && memcmp(blob + 4, type, tlen) == 0;
}

char *authorized_key_check(const char *text, struct err *why)
{
	const char *s = text + strspn(text, " \t\r\n");
	if (strncmp(s, "-----BEGIN", 10) == 0) {
		err_set(why, NULL, "give the public key (the .pub file)", "it is a private key");
		return NULL;
	}
	size_t line = strcspn(s, "\n");
	const char *rest = s + line;
	if (rest[strspn(rest, " \t\r\n")] != '\0') {
		err_set(why, NULL, "give a single public key (.pub)",
		        "it holds more than one line");
		return NULL;
	}
	while (line > 0 && (s[line - 1] == '\r' || s[line - 1] == ' ' || s[line - 1] == '\t'))
		line--;
	if (line == 0) {
		err_set(why, NULL, "give a public key (.pub)", "it is empty");
		return NULL;
	}
	size_t tlen = strcspn(s, " \t");
	if (!known_type(s, tlen > line ? line : tlen)) {
		err_set(why, NULL, "give the .pub file, without authorized_keys options",
		        "'%.*s' is not a public key type (ssh-ed25519, ssh-rsa, ecdsa-sha2-...)",
		        (int)(tlen > 40 ? 40 : tlen), s);
		return NULL;
	}
	const char *b64 = s + tlen + strspn(s + tlen, " \t");
	size_t blen = strcspn(b64, " \t\r\n");
	if (b64 + blen > s + line || !blob_matches(s, tlen, b64, blen)) {
		err_set(why, NULL, "is the file cut short?", "the %.*s key data does not decode",
		        (int)tlen, s);
		return NULL;
	}
	const char *comment = b64 + blen + strspn(b64 + blen, " \t");
	size_t clen = comment < s + line ? (size_t)(s + line - comment) : 0;
	if (has_control_char(comment, clen)) {
		err_set(why, NULL, "edit the comment at the end of the .pub file",
		        "the key's comment contains a control character");
		return NULL;
	}
	return clen ? xasprintf("%.*s %.*s %.*s", (int)tlen, s, (int)blen, b64, (int)clen, comment)
	            : xasprintf("%.*s %.*s", (int)tlen, s, (int)blen, b64);
}

/* Words that neither command="..." nor sh would change. */
static bool plain_word(const char *w)
{
	return *w && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	                       "/._+:,=@-") == strlen(w);
}

/* ",port-forwarding,permitopen=\"H:P\",...,permitlisten=\"...\"": exactly the forwards
 * named, no local forward at all when no permitopen is named and no listener at all when
 * no permitlisten is; "" without forwards. */
static char *forward_permits(const struct authorize_spec *s, struct err *why)
{
	size_t opens = s->permit_open ? strv_len(s->permit_open) : 0;
	size_t listens = s->permit_listen ? strv_len(s->permit_listen) : 0;
	if (!opens && !listens)
		return xstrdup("");
	if (s->old_sshd) {
		err_set(why, "--old-sshd", "drop --old-sshd or the forwards",
		        "forwards need permitlisten, which an sshd before OpenSSH 7.8 does not "
		        "know");
		return NULL;
	}
	char *out = xstrdup(",port-forwarding");
	/* An empty list becomes the one entry that matches nothing. */
	size_t n_open = opens ? opens : 1, n_listen = listens ? listens : 1;
	for (size_t i = 0; i < n_open + n_listen; i++) {
		bool open = i < n_open;
		const char *what = open ? "permitopen" : "permitlisten";
		const char *v = open ? (opens ? strv_get(s->permit_open, i) : PERMIT_OPEN_NOTHING)
		                     : (listens ? strv_get(s->permit_listen, i - n_open)
		                                : PERMIT_LISTEN_NOTHING);
		bool ok = open ? permit_open_valid(v, why) : permit_listen_valid(v, why);
		if (!ok) {
			free(out);
			return NULL;
		}
		char *more = xasprintf("%s,%s=\"%s\"", out, what, v);
		free(out);
		out = more;
	}
	return out;
}

char *authorized_keys_line(const struct authorize_spec *s, const char *key, struct err *why)
{
	if (s->sshdial[0] != '/' || !plain_word(s->sshdial)) {
		err_set(why, NULL,
		        "install it under a plain path such as /usr/local/sbin, or name one with "
		        "--sshdial",
		        "the path '%s' of sshdial would need quoting in the line", s->sshdial);
		return NULL;
	}
	if (!plain_word(s->name)) {
		err_set(why, "--name", "use letters, digits, '.', '_' and '-'",
		        "'%s' would need quoting in the line", s->name);
		return NULL;
	}
	char *cmd = xasprintf("%s serve %s--key %s", s->sshdial,
	                      s->forward_only ? "--forward-only " : "", s->name);
	for (size_t i = 0; s->serve && i < strv_len(s->serve); i++) {
		const char *w = strv_get(s->serve, i);
		if (!plain_word(w)) {
			err_set(why, NULL, "give it without spaces, quotes or shell characters",
			        "'%s' would need quoting in the line", w);
			free(cmd);
			return NULL;
		}
		char *more = xasprintf("%s %s", cmd, w);
		free(cmd);
		cmd = more;
	}
	char *permits = forward_permits(s, why);
	if (!permits) {
		free(cmd);
		return NULL;
	}
	char *line = xasprintf("%s%s,command=\"%s\" %s",
	                       s->old_sshd ? AUTHORIZED_RESTRICT_OLD : AUTHORIZED_RESTRICT, permits,
	                       cmd, key);
	free(permits);
	free(cmd);
	return line;
}

/* The value of command="..." in an options field, unescaped; NULL if there is none. */
static char *command_option(const char *line)
{
	const char *p = line + strspn(line, " \t");
	size_t tlen = strcspn(p, " \t");
	if (known_type(p, tlen))
		return NULL; /* a key without options */
	while (*p && *p != ' ' && *p != '\t') {
		bool is_command = strncasecmp(p, "command=\"", 9) == 0;
		const char *q = p + strcspn(p, "\",");
		if (*q == '"') { /* skip the quoted value, as sshd does */
			const char *v = ++q;
			while (*q && *q != '"')
				q += (*q == '\\' && q[1] == '"') ? 2 : 1;
			if (is_command) {
				char *out = xmalloc((size_t)(q - v) + 1), *o = out;
				for (const char *c = v; c < q; c++)
					*o++ = (*c == '\\' && c[1] == '"') ? *++c : *c;
				*o = '\0';
				return out;
			}
			if (*q)
				q++;
			q += strcspn(q, ", \t");
		}
		p = *q == ',' ? q + 1 : q;
	}
	return NULL;
}

static bool same_words(const char *cmd, int argc, char *const *argv)
{
	const char *why;
	struct strv *w = words_split(cmd, &why);
	bool same = w && strv_len(w) == (size_t)argc;
	for (int i = 0; same && i < argc; i++)
		same = strcmp(strv_get(w, (size_t)i), argv[i]) == 0;
	strv_free(w);
	return same;
}

unsigned authorized_keys_locate(const char *path, int argc, char *const *argv)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0, found = 0;
	while (!found && getline(&line, &cap, f) >= 0) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		char *cmd = command_option(line);
		if (cmd && same_words(cmd, argc, argv))
			found = lineno;
		free(cmd);
	}
	free(line);
	fclose(f);
	return found;
}
