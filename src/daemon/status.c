#include "daemon/status.h"

#include <arpa/inet.h>
#include <netlink/route/link.h>
#include <stdio.h>
#include <string.h>

#include "net/nlreq.h"

int status_link_bytes(const char *ifname, uint64_t *rx, uint64_t *tx)
{
	struct nlreq *nl = nlreq_open("status");
	if (!nl)
		return -1;
	struct rtnl_link *link = NULL;
	int err = rtnl_link_get_kernel(nlreq_sock(nl), 0, ifname, &link);
	if (err >= 0) {
		*rx = rtnl_link_get_stat(link, RTNL_LINK_RX_BYTES);
		*tx = rtnl_link_get_stat(link, RTNL_LINK_TX_BYTES);
		rtnl_link_put(link);
	}
	nlreq_close(nl);
	return err < 0 ? -1 : 0;
}

static void when(char *buf, size_t len, time_t t)
{
	struct tm tm;
	if (!t || !gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "-");
}

void status_render_text(struct textbuf *out, const struct status_row *rows, size_t n)
{
	if (!n)
		textbuf_printf(out, "no peers\n");
	for (size_t i = 0; i < n; i++) {
		const struct status_row *r = &rows[i];
		const struct link_info *li = &r->info;
		textbuf_printf(out, "%s: %s", r->name, r->state);
		if (li->ifname[0])
			textbuf_printf(out, ", %s %s peer %s, up %.0f s", li->ifname, li->local,
			               li->remote, li->uptime_s);
		if (li->server)
			textbuf_printf(out, ", server %s", li->server);
		if (li->transport)
			textbuf_printf(out, ", transport %s", li->transport);
		textbuf_printf(out, ", attempts %u%s\n", li->attempts,
		               r->autostart ? ", autostart" : "");
		if (r->have_bytes)
			textbuf_printf(out, "  bytes in %llu, out %llu\n",
			               (unsigned long long)r->rx_bytes,
			               (unsigned long long)r->tx_bytes);
		if (li->rtt_us >= 0)
			textbuf_printf(out, "  probe round trip %.1f ms\n", li->rtt_us / 1000.0);
		if (li->path[0])
			textbuf_printf(out, "  path to the server: %s\n", li->path);
		if (r->blocked)
			textbuf_printf(out, "  blocked: %s\n", r->blocked);
		if (li->last_failure && li->last_failure[0]) {
			char at[32];
			when(at, sizeof(at), li->last_failure_at);
			textbuf_printf(out, "  last failure at %s: %s\n", at, li->last_failure);
		}
	}
}

static void key(struct textbuf *out, const char *k)
{
	textbuf_printf(out, ",");
	textbuf_json_string(out, k);
	textbuf_printf(out, ":");
}

static void str_or_null(struct textbuf *out, const char *k, const char *v)
{
	key(out, k);
	if (v && v[0])
		textbuf_json_string(out, v);
	else
		textbuf_printf(out, "null");
}

void status_render_json(struct textbuf *out, const struct status_row *rows, size_t n)
{
	textbuf_printf(out, "[");
	for (size_t i = 0; i < n; i++) {
		const struct status_row *r = &rows[i];
		const struct link_info *li = &r->info;
		textbuf_printf(out, "%s{\"name\":", i ? "," : "");
		textbuf_json_string(out, r->name);
		str_or_null(out, "state", r->state);
		key(out, "autostart");
		textbuf_printf(out, "%s", r->autostart ? "true" : "false");
		str_or_null(out, "server", li->server);
		str_or_null(out, "transport", li->transport);
		str_or_null(out, "ifname", li->ifname);
		str_or_null(out, "local", li->local);
		str_or_null(out, "peer", li->remote);
		key(out, "uptime");
		textbuf_printf(out, "%.0f", li->uptime_s);
		key(out, "attempts");
		textbuf_printf(out, "%u", li->attempts);
		str_or_null(out, "last_failure", li->last_failure);
		key(out, "last_failure_time");
		if (li->last_failure_at)
			textbuf_printf(out, "%lld", (long long)li->last_failure_at);
		else
			textbuf_printf(out, "null");
		key(out, "rx_bytes");
		if (r->have_bytes)
			textbuf_printf(out, "%llu", (unsigned long long)r->rx_bytes);
		else
			textbuf_printf(out, "null");
		key(out, "tx_bytes");
		if (r->have_bytes)
			textbuf_printf(out, "%llu", (unsigned long long)r->tx_bytes);
		else
			textbuf_printf(out, "null");
		key(out, "rtt_ms");
		if (li->rtt_us >= 0)
			textbuf_printf(out, "%.3f", li->rtt_us / 1000.0);
		else
			textbuf_printf(out, "null");
		str_or_null(out, "path", li->path);
		char via[INET6_ADDRSTRLEN] = "";
		const struct net_addr *gw = &li->route.gateway;
		if (gw->family)
			inet_ntop(gw->family, &gw->u, via, sizeof(via));
		str_or_null(out, "path_dev", li->route.family ? li->route.ifname : "");
		str_or_null(out, "path_via", via);
		str_or_null(out, "blocked", r->blocked);
		textbuf_printf(out, "}");
	}
	textbuf_printf(out, "]\n");
}
