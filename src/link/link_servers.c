/* A link's servers: the order it tries a peer's 'host' lines in, the one in use, and the
 * ones given up after a permanent failure of their own. */
#include <stdlib.h>

#include "conf/config.h"
#include "lib/log.h"
#include "link/link_priv.h"

/* The peer's index of the server this attempt dials (or the next one will). */
size_t link_server_index(const struct link *l)
{
	return l->servers.n ? l->servers.order[l->servers.pos] : 0;
}

const char *link_server(const struct link *l)
{
	return l->servers.n ? peer_server_host(l->peer, link_server_index(l)) : NULL;
}

size_t link_usable_servers(const struct link *l)
{
	size_t n = 0;
	for (size_t i = 0; i < l->servers.n; i++)
		n += l->servers.permanent[i] == 0;
	return n;
}

/* After an attempt ends: the next server in the order that has not failed permanently. */
void link_next_server(struct link *l)
{
	for (size_t i = 0; i < l->servers.n; i++) {
		l->servers.pos = (l->servers.pos + 1) % l->servers.n;
		if (l->servers.permanent[l->servers.order[l->servers.pos]] == 0)
			return;
	}
}

/* A permanent failure met on one of several servers (its host key, its accounts, its
 * pppd) gives up that server alone, as long as another is left. */
bool link_give_up_server(struct link *l)
{
	if (l->failure.cls != FAILURE_PERMANENT || l->servers.n < 2)
		return false;
	l->servers.permanent[link_server_index(l)]++;
	if (link_usable_servers(l) == 0)
		return false;
	char text[FAILURE_TEXT_MAX];
	log_error("%s: %s: %s; not dialing this server again, %zu other%s left", peer_name(l->peer),
	          link_server(l), failure_format(&l->failure, text, sizeof(text)),
	          link_usable_servers(l), link_usable_servers(l) == 1 ? "" : "s");
	return true;
}

/* The order the servers are tried in: the file's, or with host-order random one shuffled
 * once for the link's life, as OpenVPN's remote-random does. */
int link_servers_init(struct link *l, uint32_t seed)
{
	l->servers.n = peer_server_count(l->peer);
	if (!l->servers.n)
		return 0;
	l->servers.order = calloc(l->servers.n, sizeof(*l->servers.order));
	l->servers.permanent = calloc(l->servers.n, sizeof(*l->servers.permanent));
	if (!l->servers.order || !l->servers.permanent) {
		free(l->servers.order);
		free(l->servers.permanent);
		return -1;
	}
	for (size_t i = 0; i < l->servers.n; i++)
		l->servers.order[i] = i;
	for (size_t i = l->servers.n - 1; peer_host_random(l->peer) && i > 0; i--) {
		seed ^= seed << 13; /* xorshift32 */
		seed ^= seed >> 17;
		seed ^= seed << 5;
		size_t j = seed % (i + 1);
		size_t t = l->servers.order[i];
		l->servers.order[i] = l->servers.order[j];
		l->servers.order[j] = t;
	}
	return 0;
}

void link_servers_free(struct link *l)
{
	free(l->servers.order);
	free(l->servers.permanent);
}
