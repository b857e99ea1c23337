/* The peer file's forward and jump lines: each parsed (forward_spec, jump_spec), then
 * checked against the machine and the other lines of the file. */
#include <arpa/inet.h>
#include <dirent.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/config_peer.h"
#include "lib/err.h"
#include "lib/xalloc.h"

/* A bind address for a listener on this machine: a wildcard, loopback, or one of its own
 * addresses.  ssh would otherwise fail to listen on it at every dial. */
static bool bind_is_local(const char *bind)
{
	if (!bind[0] || strcmp(bind, "*") == 0 || strcmp(bind, "localhost") == 0)
		return true;
	struct in_addr a4;
	struct in6_addr a6;
	int family;
	if (inet_pton(AF_INET, bind, &a4) == 1) {
		if (a4.s_addr == htonl(INADDR_ANY) || (ntohl(a4.s_addr) >> 24) == 127)
			return true;
		family = AF_INET;
	} else if (inet_pton(AF_INET6, bind, &a6) == 1) {
		if (IN6_IS_ADDR_UNSPECIFIED(&a6) || IN6_IS_ADDR_LOOPBACK(&a6))
			return true;
		family = AF_INET6;
	} else {
		return false; /* a name other than localhost: ssh would resolve it at each dial */
	}
	struct ifaddrs *list, *i;
	bool found = false;
	if (getifaddrs(&list) < 0)
		return true; /* cannot tell: ssh will say, at dial time */
	for (i = list; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != family)
			continue;
		if (family == AF_INET)
			found = ((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr.s_addr ==
			        a4.s_addr;
		else
			found = memcmp(&((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr,
			               &a6, sizeof(a6)) == 0;
	}
	freeifaddrs(list);
	return found;
}

/* Two listeners of this machine on one port (or one socket path) cannot both work. */
static bool same_listener(const struct forward_spec *a, const struct forward_spec *b)
{
	if (a->kind == FORWARD_REMOTE || b->kind == FORWARD_REMOTE)
		return a->kind == b->kind && a->port == b->port && strcmp(a->bind, b->bind) == 0;
	if (a->socket[0] || b->socket[0])
		return strcmp(a->socket, b->socket) == 0;
	return a->port == b->port;
}

void config_add_forward(struct peer *p, const struct kw_place *at, const char *text)
{
	struct forward_spec f;
	struct err why;
	if (!forward_spec_parse(text, &f, &why)) {
		char msg[ERR_LINE_MAX];
		kw_error(at, "forward: %s", err_format(&why, msg, sizeof(msg)));
		return;
	}
	if (f.kind != FORWARD_REMOTE && !bind_is_local(f.bind)) {
		kw_error(at,
		         "forward: '%s' is not an address of this machine, so nothing could "
		         "listen on it; use 127.0.0.1, one of this machine's addresses, or '*'",
		         f.bind);
		return;
	}
	for (size_t i = 0; i < p->forward_count; i++) {
		if (same_listener(&p->forwards[i], &f)) {
			char port[16];
			snprintf(port, sizeof(port), "port %u", f.port);
			kw_error(at,
			         "forward: %s is already listened on by the forward at line %u; "
			         "remove one or change its port",
			         f.socket[0] ? f.socket : port, p->forward_lines[i]);
			return;
		}
	}
	p->forwards = xrealloc(p->forwards, p->forward_count + 1, sizeof(*p->forwards));
	p->forward_lines =
	    xrealloc(p->forward_lines, p->forward_count + 1, sizeof(*p->forward_lines));
	p->forwards[p->forward_count] = f;
	p->forward_lines[p->forward_count] = at->line;
	p->forward_count++;
}

void config_add_jump(struct peer *p, const struct kw_place *at, const char *text)
{
	struct jump_spec j;
	struct err why;
	if (!jump_spec_parse(text, &j, &why)) {
		char msg[ERR_LINE_MAX];
		kw_error(at, "jump: %s", err_format(&why, msg, sizeof(msg)));
		return;
	}
	p->jumps = xrealloc(p->jumps, p->jump_count + 1, sizeof(*p->jumps));
	p->jumps[p->jump_count++] = j;
}

/* The local listeners of two peers under one peers directory (one daemon may run them
 * all): a port or socket both name can work for only one of them. */
static void clash_with(const struct peer *p, const struct peer *other, struct diag *d)
{
	for (size_t i = 0; i < p->forward_count; i++) {
		const struct forward_spec *a = &p->forwards[i];
		for (size_t j = 0; a->kind != FORWARD_REMOTE && j < other->forward_count; j++) {
			const struct forward_spec *b = &other->forwards[j];
			if (b->kind == FORWARD_REMOTE || !same_listener(a, b))
				continue;
			char port[16];
			snprintf(port, sizeof(port), "port %u", a->port);
			diag_add(
			    d, p->file, p->forward_lines[i],
			    "forward: %s is also listened on by peer '%s' (%s:%u); only one of "
			    "them could have it: change one",
			    a->socket[0] ? a->socket : port, other->name, other->file,
			    other->forward_lines[j]);
		}
	}
}

bool peer_forwards_clash(const struct peer *p, const char *dir, struct diag *d)
{
	if (!p->forward_count)
		return false;
	DIR *dh = opendir(dir);
	if (!dh)
		return false;
	size_t before = diag_count(d);
	struct dirent *e;
	while ((e = readdir(dh))) {
		if (!peer_name_valid(e->d_name) || strcmp(e->d_name, p->name) == 0)
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		struct diag *scratch = diag_new(); /* another peer's own errors are its own */
		struct peer *other = config_load_file(e->d_name, path, scratch);
		if (other)
			clash_with(p, other, d);
		peer_free(other);
		diag_free(scratch);
		free(path);
	}
	closedir(dh);
	return diag_count(d) > before;
}
