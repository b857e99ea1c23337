#include "server/serve_pppd.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "conf/pppd_options.h"

static void push_addr(struct strv *v, struct in_addr a)
{
	char buf[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &a, buf, sizeof(buf));
	strv_push(v, buf);
}

const char *serve_pppd_peers_file(bool pap, bool frames)
{
	if (frames)
		return pap ? SERVE_PEERS_FILE_FRAMES : SERVE_PEERS_FILE_FRAMES_NOAUTH;
	return pap ? SERVE_PEERS_FILE : SERVE_PEERS_FILE_NOAUTH;
}

const char *serve_pppd_peers_path(char *buf, size_t len, bool pap, bool frames)
{
	snprintf(buf, len, "%s/%s", PPPD_PEERS_DIR_SERVE, serve_pppd_peers_file(pap, frames));
	return buf;
}

struct strv *serve_pppd_argv(const struct key_settings *k, const struct serve_pppd_params *p)
{
	struct strv *v = strv_new();
	char local[INET_ADDRSTRLEN], remote[INET_ADDRSTRLEN];

	strv_push(v, PPPD_PATH);
	/* First, so that everything after it overrides /etc/ppp/options and the file. */
	strv_push(v, "call");
	strv_push(v, serve_pppd_peers_file(k->pap, p->frames));
	if (p->frames) {
		/* The file loaded the plugin, which knows this option; no tty option applies. */
		strv_push(v, "pppol2tp");
		strv_pushf(v, "%d", p->session_fd);
	} else {
		/* The ssh channel is stdin and stdout. */
		strv_push(v, "notty");
	}
	strv_push(v, "nodetach");
	inet_ntop(AF_INET, &p->local, local, sizeof(local));
	inet_ntop(AF_INET, &p->remote, remote, sizeof(remote));
	strv_pushf(v, "%s:%s", local, remote);
	if (k->pap)
		strv_push(v, "require-pap");
	if (k->mtu) {
		strv_push(v, "mtu");
		strv_pushf(v, "%u", k->mtu);
	}
	if (k->mru) {
		strv_push(v, "mru");
		strv_pushf(v, "%u", k->mru);
	}
	for (unsigned i = 0; i < k->dns_count; i++) {
		strv_push(v, "ms-dns");
		push_addr(v, k->dns[i]);
	}
	if (k->proxyarp)
		strv_push(v, "proxyarp");
	/* IPV6CP, with each end's interface identifier its IPv4 address: the link-local
	 * addresses say the same as the global ones the hooks add (cidr_ipv6_host).  A client
	 * without IPv6 rejects IPV6CP and the link carries IPv4 alone. */
	if (k->has_ipv6) {
		strv_push(v, "+ipv6");
		strv_push(v, "ipv6");
		strv_pushf(v, "::%s,::%s", local, remote);
	}
	strv_push(v, "lcp-echo-interval");
	strv_pushf(v, "%u", p->echo_interval);
	strv_push(v, "lcp-echo-failure");
	strv_pushf(v, "%u", p->echo_failure);
	if (p->log_file) {
		strv_push(v, "logfile");
		strv_push(v, p->log_file);
	}
	/* The hook's hint of whose link this is; it checks it against the lease. */
	strv_push(v, "ipparam");
	strv_push(v, k->name);
	return v;
}
