/* A link's servers: the order it tries a peer's 'host' lines in, the one in use, and the
 * ones given up after a permanent failure of their own. */
#include <stdlib.h>

#include "conf/config.h"
#include "lib/log.h"
#include "link/link_priv.h"

/* The peer's index of the server this attempt dials (or the next one will). */
size_t link_server_index(const struct link *l)
{
	return l->nservers ? l->order[l->pos] : 0;
}

const char *link_server(const struct link *l)
{
	return l->nservers ? peer_server_host(l->peer, link_server_index(l)) : NULL;
}

size_t link_usable_servers(const struct link *l)
{
	size_t n = 0;
	for (size_t i = 0; i < l->nservers; i++)
		n += l->permanent[i] == 0;
	return n;
}

/* After an attempt ends: the next server in the order that has not failed permanently. */
void link_next_server(struct link *l)
{
	for (size_t i = 0; i < l->nservers; i++) {
		l->pos = (l->pos + 1) % l->nservers;
		if (l->permanent[l->order[l->pos]] == 0)
			return;
	}
}

/* A permanent failure met on one of several servers (its host key, its accounts, its
 * pppd) gives up that server alone, as long as another is left. */
bool link_give_up_server(struct link *l)
{
	if (l->failure.cls != FAILURE_PERMANENT || l->nservers < 2)
		return false;
	l->permanent[link_server_index(l)]++;
	if (link_usable_servers(l) == 0)
		return false;
	log_error("%s: %s: %s; not dialing this server again, %zu other%s left", peer_name(l->peer),
	          link_server(l), l->failure.reason, link_usable_servers(l),
	          link_usable_servers(l) == 1 ? "" : "s");
	return true;
}

/* The order the servers are tried in: the file's, or with host-order random one shuffled
 * once for the link's life, as OpenVPN's remote-random does. */
int link_servers_init(struct link *l, uint32_t seed)
{
	l->nservers = peer_server_count(l->peer);
	if (!l->nservers)
		return 0;
	l->order = calloc(l->nservers, sizeof(*l->order));
	l->permanent = calloc(l->nservers, sizeof(*l->permanent));
	if (!l->order || !l->permanent) {
		free(l->order);
		free(l->permanent);
		return -1;
	}
	for (size_t i = 0; i < l->nservers; i++)
		l->order[i] = i;
	for (size_t i = l->nservers - 1; peer_host_random(l->peer) && i > 0; i--) {
		seed ^= seed << 13; /* xorshift32 */
		seed ^= seed >> 17;
		seed ^= seed << 5;
		size_t j = seed % (i + 1);
		size_t t = l->order[i];
		l->order[i] = l->order[j];
		l->order[j] = t;
	}
	return 0;
}
