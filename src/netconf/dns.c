/* DNS while the link is up: which backend, and the resolver file's text.  The file backend
 * goes through the journal's resolver change (change_resolv.c): the old file, symlink or
 * absence is kept in a backup before the new text is renamed over it, so that down,
 * SIGTERM and the start after a crash all put back the very bytes.  The text replaces the
 * servers rather than adding to them: a resolver of the local network kept beside the
 * server's would see the queries the user meant to send through the link.  resolvconf gets
 * the same text as a record of the link's (change_resolvconf.c), and systemd-resolved the
 * servers as the ppp interface's own (change_resolved.c); each is journaled like the file,
 * so that down, SIGTERM and the start after a crash remove it. */
#include "netconf/dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"

#define RESOLVED_DIR "/run/systemd/resolve/"
#define RESOLVED_STUB "127.0.0.53"

static bool link_into_resolved(const char *path)
{
	char target[PATH_MAX], real[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);

	if (n < 0)
		return false;
	target[n] = '\0';
	/* "../run/systemd/resolve/stub-resolv.conf", as Debian links it, or absolute. */
	if (strstr(target, "run/systemd/resolve/"))
		return true;
	return realpath(path, real) && strncmp(real, RESOLVED_DIR, strlen(RESOLVED_DIR)) == 0;
}

/* The file names only the stub as its server (a copy of stub-resolv.conf). */
static bool names_only_stub(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	unsigned stub = 0, other = 0;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char addr[64];
		if (sscanf(line, " nameserver %63s", addr) != 1)
			continue;
		if (strcmp(addr, RESOLVED_STUB) == 0)
			stub++;
		else
			other++;
	}
	return stub > 0 && other == 0;
}

enum dns_backend dns_backend_detect(const char *resolv_path, const char *resolvconf_path)
{
	struct stat st;

	if (link_into_resolved(resolv_path) || names_only_stub(resolv_path))
		return DNS_BACKEND_RESOLVED;
	if (resolvconf_path && stat(resolvconf_path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 0111))
		return DNS_BACKEND_RESOLVCONF;
	return DNS_BACKEND_FILE;
}

const char *dns_backend_name(enum dns_backend b)
{
	return b == DNS_BACKEND_RESOLVED     ? "systemd-resolved"
	       : b == DNS_BACKEND_RESOLVCONF ? "resolvconf"
	                                     : "the file " DNS_RESOLV_CONF;
}

const char *dns_backend_where(enum dns_backend b)
{
	return b == DNS_BACKEND_RESOLVED     ? "systemd-resolved"
	       : b == DNS_BACKEND_RESOLVCONF ? "resolvconf"
	                                     : DNS_RESOLV_CONF;
}

static bool is_address(const char *s)
{
	unsigned char a[16];
	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

int dns_resolv_text(char *buf, size_t len, const char *label, const char *ifname,
                    const char *const *servers, size_t n)
{
	size_t at = 0;
	int w = snprintf(buf, len,
	                 "# Written by sshdial for %s while %s is up; the previous file comes "
	                 "back when the link goes down.\n",
	                 label, ifname);

	if (w < 0 || (size_t)w >= len || n == 0)
		return -1;
	at = (size_t)w;
	for (size_t i = 0; i < n; i++) {
		if (!is_address(servers[i]))
			return -1;
		w = snprintf(buf + at, len - at, "nameserver %s\n", servers[i]);
		if (w < 0 || (size_t)w >= len - at)
			return -1;
		at += (size_t)w;
	}
	return (int)at;
}

int dns_apply(struct netconf *nc, enum journal_scope scope, const char *label, const char *ifname,
              const char *const *servers, size_t n, bool route_all, enum dns_backend *used)
{
	char text[1024];
	int len = dns_resolv_text(text, sizeof(text), label, ifname, servers, n);

	if (len < 0) {
		log_error("%s: %s: the DNS servers offered are not addresses; resolver left as "
		          "it is",
		          label, ifname);
		return -1;
	}
	*used = dns_backend_detect(DNS_RESOLV_CONF, DNS_RESOLVCONF_PATH);
	if (*used == DNS_BACKEND_RESOLVCONF)
		return netconf_resolvconf_add(nc, scope, ifname, text, (size_t)len);
	if (*used == DNS_BACKEND_RESOLVED) {
		len = dns_resolved_spec(text, sizeof(text), servers, n, route_all);
		return len < 0 ? -1 : netconf_resolved_set(nc, scope, ifname, text, (size_t)len);
	}
	return netconf_resolv_replace(nc, scope, DNS_RESOLV_CONF, text, (size_t)len);
}
