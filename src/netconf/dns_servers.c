#include "netconf/dns_servers.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/run_bounded.h"
#include "netconf/dns.h"
#include "netconf/dns_cmd.h"

#define RESOLVED_UPSTREAM "/run/systemd/resolve/resolv.conf"
#define RESOLVECTL_TIMEOUT_MS 5000
#define WHO_MAX 32 /* Global and links named in one output */

/* A server as resolvectl prints it: ADDR, ADDR:PORT, [ADDR6]:PORT, ADDR%IFNAME, ADDR#SNI. */
static bool server_addr(const char *word, struct net_addr *a)
{
	char buf[INET6_ADDRSTRLEN + 8];
	unsigned char bytes[16];

	snprintf(buf, sizeof(buf), "%s", word[0] == '[' ? word + 1 : word);
	buf[strcspn(buf, word[0] == '[' ? "]" : "#%")] = '\0';
	if (word[0] != '[' && strchr(buf, '.') && strchr(buf, ':') == strrchr(buf, ':'))
		buf[strcspn(buf, ":")] = '\0'; /* IPv4:PORT */
	buf[strcspn(buf, "%")] = '\0';
	if (inet_pton(AF_INET, buf, bytes) == 1)
		return net_addr_set(a, AF_INET, bytes, 4) == 0;
	if (inet_pton(AF_INET6, buf, bytes) == 1)
		return net_addr_set(a, AF_INET6, bytes, 16) == 0;
	return false;
}

/* One line "Global: WORDS" (*ifindex 0) or "Link N (IFNAME): WORDS"; the words' start, or
 * NULL when the line is neither. */
static const char *who(const char *line, int *ifindex, char *ifname)
{
	int n = -1, idx;
	char name[IF_NAMESIZE];

	if (strncmp(line, "Global:", 7) == 0) {
		*ifindex = 0;
		ifname[0] = '\0';
		return line + 7;
	}
	if (sscanf(line, "Link %d (%15[^)]):%n", &idx, name, &n) != 2 || n < 0 || idx <= 0)
		return NULL;
	*ifindex = idx;
	snprintf(ifname, IF_NAMESIZE, "%s", name);
	return line + n;
}

/* The words of who's line in text, copied into buf (NULL when text has no such line). */
static const char *words_of(const char *text, int ifindex, char *buf, size_t len)
{
	char line[512], name[IF_NAMESIZE];
	int idx;

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
		const char *w = who(line, &idx, name);
		if (w && idx == ifindex) {
			snprintf(buf, len, "%s", w);
			return buf;
		}
	}
	return NULL;
}

static bool has_word(const char *words, const char *word)
{
	char copy[512], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", words ? words : "");
	for (char *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
		if (strcmp(t, word) == 0)
			return true;
	return false;
}

struct who {
	int ifindex;
	char ifname[IF_NAMESIZE];
	char servers[512];
	bool all_names; /* "~.": every name is routed to it */
	bool default_route;
};

static size_t add_servers(const struct who *w, struct dns_target *out, size_t n, size_t max)
{
	char copy[512], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", w->servers);
	for (char *t = strtok_r(copy, " \t", &save); t && n < max;
	     t = strtok_r(NULL, " \t", &save)) {
		struct dns_target d = {.ifindex = w->ifindex};
		if (!server_addr(t, &d.addr))
			continue;
		snprintf(d.ifname, sizeof(d.ifname), "%s", w->ifname);
		out[n++] = d;
	}
	return n;
}

int dns_targets_resolved(const char *dns, const char *domain, const char *default_route,
                         struct dns_target *out, size_t max)
{
	struct who w[WHO_MAX];
	size_t nw = 0, n = 0;
	bool any_all = false;
	char line[512], buf[512];

	for (const char *p = dns; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
		struct who *x = &w[nw];
		const char *words = nw < WHO_MAX ? who(line, &x->ifindex, x->ifname) : NULL;
		if (!words)
			continue;
		snprintf(x->servers, sizeof(x->servers), "%s", words);
		x->all_names = has_word(words_of(domain, x->ifindex, buf, sizeof(buf)), "~.");
		const char *dr =
		    x->ifindex ? words_of(default_route, x->ifindex, buf, sizeof(buf)) : NULL;
		x->default_route = !has_word(dr, "no");
		any_all |= x->all_names;
		nw++;
	}
	if (nw == 0)
		return -1;
	for (size_t i = 0; i < nw; i++)
		if (any_all ? w[i].all_names : w[i].default_route)
			n = add_servers(&w[i], out, n, max);
	return (int)n;
}

size_t dns_targets_resolv(const char *text, struct dns_target *out, size_t max)
{
	char line[256], ns[INET6_ADDRSTRLEN + 16];
	size_t n = 0;

	for (const char *p = text; p && *p && n < max;
	     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
		struct dns_target d = {0};
		if (sscanf(line, " nameserver %45s", ns) == 1 && server_addr(ns, &d.addr))
			out[n++] = d;
	}
	return n;
}

/* resolvectl WHAT's output into buf; false with why (for the report) when it gives none. */
static bool resolvectl(const char *what, char *buf, size_t len, char *why, size_t wlen)
{
	const char *argv[] = {"resolvectl", "--no-pager", what, NULL};
	struct run_result r;

	if (run_bounded(DNS_RESOLVECTL_PATH, argv, NULL, 0, DNS_CMD_TIMEOUT_MS, &r) < 0) {
		snprintf(why, wlen, "resolvectl %s could not be started: %s", what,
		         strerror(errno));
		return false;
	}
	if (r.timed_out || !WIFEXITED(r.wstatus) || WEXITSTATUS(r.wstatus) != 0) {
		snprintf(why, wlen, "resolvectl %s %s: %s", what,
		         r.timed_out ? "did not answer within 15 s" : "failed", run_first_line(&r));
		return false;
	}
	snprintf(buf, len, "%s", r.out);
	return true;
}

static size_t from_file(const char *path, struct dns_target *out, size_t max)
{
	char text[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);

	if (fd >= 0)
		close(fd);
	if (n < 0)
		return 0;
	text[n] = '\0';
	return dns_targets_resolv(text, out, max);
}

/* resolved's targets from resolvectl; -1, with why, when it does not answer. */
static int from_resolvectl(struct dns_target *out, size_t max, char *why, size_t wlen)
{
	char dns[sizeof(((struct run_result *)0)->out)], domain[sizeof(dns)], route[sizeof(dns)];
	char ignored[200];

	if (!resolvectl("dns", dns, sizeof(dns), why, wlen) ||
	    !resolvectl("domain", domain, sizeof(domain), why, wlen))
		return -1;
	if (!resolvectl("default-route", route, sizeof(route), ignored, sizeof(ignored)))
		route[0] = '\0'; /* every link then counts as a default route */
	int n = dns_targets_resolved(dns, domain, route, out, max);
	if (n < 0)
		snprintf(why, wlen, "resolvectl dns printed no \"Global:\" or \"Link\" line");
	return n;
}

size_t dns_targets_system(struct dns_target *out, size_t max, char *source, size_t len)
{
	if (dns_backend_detect(DNS_RESOLV_CONF, NULL) == DNS_BACKEND_RESOLVED) {
		char why[200] = "";
		int n = from_resolvectl(out, max, why, sizeof(why));
		if (n >= 0) {
			snprintf(source, len, "systemd-resolved (resolvectl)");
			return (size_t)n;
		}
		snprintf(source, len,
		         "systemd-resolved's servers in %s, as routed (%s: which link each goes "
		         "through is not known)",
		         RESOLVED_UPSTREAM, why);
		return from_file(RESOLVED_UPSTREAM, out, max);
	}
	snprintf(source, len, "%s", DNS_RESOLV_CONF);
	return from_file(DNS_RESOLV_CONF, out, max);
}
