/* Host key text: see known_hosts.h. */
#include "conf/known_hosts.h"

#include <stdio.h>
#include <string.h>

void known_hosts_name(char *buf, size_t len, const char *host, unsigned port)
{
	if (port == 0 || port == 22)
		snprintf(buf, len, "%s", host);
	else
		snprintf(buf, len, "[%s]:%u", host, port);
}

static bool is_key_type(const char *t, size_t n)
{
	static const char *const prefixes[] = {"ssh-", "ecdsa-", "sk-"};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (n > strlen(prefixes[i]) && strncmp(t, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

static bool is_base64(const char *s, size_t n)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                               "0123456789+/=";
	for (size_t i = 0; i < n; i++)
		if (!strchr(alphabet, s[i]) || !s[i])
			return false;
	return n > 0;
}

/* "NAME TYPE BASE64" and nothing more, separated by blanks; written to out with single
 * spaces (false when it is not such a line or does not fit). */
static bool scan_line(const char *l, size_t n, char *out, size_t len)
{
	const char *f[3];
	int flen[3];
	size_t at = 0;
	for (int k = 0; k < 3; k++) {
		while (at < n && (l[at] == ' ' || l[at] == '\t'))
			at++;
		f[k] = l + at;
		while (at < n && l[at] != ' ' && l[at] != '\t' && l[at] != '\r')
			at++;
		flen[k] = (int)(l + at - f[k]);
		if (!flen[k])
			return false;
	}
	while (at < n && (l[at] == ' ' || l[at] == '\t' || l[at] == '\r'))
		at++;
	if (at != n || f[0][0] == '#' || !is_key_type(f[1], (size_t)flen[1]) ||
	    !is_base64(f[2], (size_t)flen[2]))
		return false;
	int w = snprintf(out, len, "%.*s %.*s %.*s", flen[0], f[0], flen[1], f[1], flen[2], f[2]);
	return w > 0 && (size_t)w < len;
}

struct strv *known_hosts_scan_lines(const char *scan_output)
{
	struct strv *v = strv_new();
	for (const char *l = scan_output; *l;) {
		size_t n = strcspn(l, "\n");
		char line[8192];
		if (scan_line(l, n, line, sizeof(line))) {
			bool seen = false;
			for (size_t i = 0; i < strv_len(v) && !seen; i++)
				seen = strcmp(strv_get(v, i), line) == 0;
			if (!seen)
				strv_push(v, line);
		}
		l += n + (l[n] == '\n');
	}
	return v;
}

bool known_hosts_fingerprint(const char *keygen_line, char *fp, size_t len)
{
	const char *s = strstr(keygen_line, " SHA256:");
	if (!s || !len)
		return false;
	s++;
	size_t n = strcspn(s, " \t\n");
	if (n <= strlen("SHA256:") || n >= len || s[7] == '=' || !is_base64(s + 7, n - 7))
		return false;
	memcpy(fp, s, n);
	fp[n] = '\0';
	return true;
}

bool known_hosts_fingerprint_matches(const char *given, const char *fp)
{
	if (strncmp(given, "SHA256:", 7) == 0)
		given += 7;
	if (strncmp(fp, "SHA256:", 7) == 0)
		fp += 7;
	size_t g = strlen(given), f = strlen(fp);
	while (g && given[g - 1] == '=')
		g--;
	while (f && fp[f - 1] == '=')
		f--;
	return g > 0 && g == f && memcmp(given, fp, g) == 0;
}
