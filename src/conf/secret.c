#include "conf/secret.h"

#include <string.h>

#include "lib/log.h"
#include "conf/pap_secrets.h"
#include "lib/file_read.h"

/* Room for the longest secret pppd takes and a trailing newline. */
#define MAX_PASSWORD_FILE (SECRET_MAX + 1)

/* pap-password-file: the whole file is the secret, less one trailing newline. */
static ssize_t read_password_file(const char *path, char *buf, size_t size, struct diag *d)
{
	size_t len;
	char *text = secret_file_read(path, MAX_PASSWORD_FILE, &len, d);
	if (!text)
		return -1;
	size_t n = len > 0 && text[len - 1] == '\n' ? len - 1 : len;
	ssize_t r = -1;
	if (n == 0)
		diag_add(d, path, 0, "empty; write the PAP secret in it");
	else if (n >= size)
		diag_add(d, path, 0, "the secret is longer than %zu bytes", size - 1);
	else {
		memcpy(buf, text, n);
		buf[n] = '\0';
		r = (ssize_t)n;
	}
	secret_file_free(text, len);
	return r;
}

static ssize_t read_any(const struct peer *p, char *buf, size_t size, struct diag *d)
{
	const char *path = peer_secret_path(p);
	switch (peer_secret_source(p)) {
	case SECRET_FILE:
		return read_password_file(path, buf, size, d);
	case SECRET_PAP_SECRETS:
		return pap_secrets_lookup(path, peer_pap_user(p), peer_remotename(p), buf, size, d);
	case SECRET_NONE:
		break;
	}
	diag_add(d, NULL, 0, "no PAP secret configured");
	return -1;
}

ssize_t secret_read_diag(const struct peer *p, char *buf, size_t size, struct diag *d)
{
	struct diag *inner = diag_new();
	ssize_t r = size > 0 ? read_any(p, buf, size, inner) : -1;
	for (size_t i = 0; i < diag_count(inner); i++)
		diag_add(d, NULL, 0, "peer '%s': %s", peer_name(p), diag_get(inner, i));
	diag_free(inner);
	if (r < 0 && size > 0)
		explicit_bzero(buf, size);
	return r;
}

ssize_t secret_read(const struct peer *p, char *buf, size_t size)
{
	struct diag *d = diag_new();
	ssize_t r = secret_read_diag(p, buf, size, d);
	for (size_t i = 0; i < diag_count(d); i++)
		log_error("%s", diag_get(d, i));
	diag_free(d);
	return r;
}
