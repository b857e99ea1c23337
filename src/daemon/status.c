#include "daemon/status.h"

#include <arpa/inet.h>
#include <netlink/route/link.h>
#include <stdio.h>
#include <string.h>

#include "lib/err.h"
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

void status_bytes(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	if (bytes < 1024) {
		snprintf(buf, len, "%u B", (unsigned)bytes);
		return;
	}
	double v = (double)bytes / 1024;
	size_t u = 0;
	/* 1023.96 KiB would print as 1024.0 KiB: that is 1.0 MiB. */
	while (v >= 1023.95 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
}

void status_duration(char *buf, size_t len, double seconds)
{
	unsigned long long s = seconds > 0 ? (unsigned long long)(seconds + 0.5) : 0;
	if (s < 60)
		snprintf(buf, len, "%llu s", s);
	else if (s < 3600)
		snprintf(buf, len, "%llu min %llu s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%llu h %llu min", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%llu d %llu h", s / 86400, s % 86400 / 3600);
}

void status_due(char *buf, size_t len, double seconds)
{
	if (seconds < 0.5) {
		snprintf(buf, len, "now");
		return;
	}
	char span[48];
	/* Rounded up: a retry due in 11.2 s is not "in 11 s" for a second and then late. */
	unsigned long long s = (unsigned long long)seconds;
	if ((double)s < seconds)
		s++;
	status_duration(span, sizeof(span), (double)s);
	snprintf(buf, len, "in %s", span);
}

void status_kill_switch(char *buf, size_t len, const struct link_info *li)
{
	const char *k = li->kill_switch;
	if (!k) {
		snprintf(buf, len, "-");
		return;
	}
	const char *text = strcmp(k, "in_force") == 0  ? "in force"
	                   : strcmp(k, "holding") == 0 ? "holding traffic"
	                                               : k;
	snprintf(buf, len, "%s%s", li->kill_switch_always ? "always, " : "", text);
}

/* The last failure without its where (the row names the peer): "WHAT: CAUSE; FIX", or
 * without the fix. */
static const char *failure_text(const struct link_failure *f, bool with_fix, char *buf, size_t len)
{
	struct err e = f->err;
	e.where[0] = '\0';
	if (!with_fix)
		e.fix[0] = '\0';
	return err_format(&e, buf, len);
}

static void when(char *buf, size_t len, time_t t)
{
	struct tm tm;
	if (!t || !gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "-");
}

/* "  last failure at TIME: WHAT: CAUSE; FIX" */
static void failure_line(struct textbuf *out, const struct link_failure *f)
{
	char at[32], text[ERR_LINE_MAX];
	when(at, sizeof(at), f->at);
	textbuf_printf(out, "  last failure at %s: %s\n", at,
	               failure_text(f, true, text, sizeof(text)));
}

/* One cell of the table: at most CELL_MAX bytes shown. */
#define CELL_MAX 160
enum column {
	C_PEER,
	C_STATE,
	C_SERVER,
	C_TRANSPORT,
	C_IFACE,
	C_UPTIME,
	C_IN,
	C_OUT,
	C_RTT,
	C_NEXT,
	C_COUNT
};
static const char *const headings[C_COUNT] = {"PEER",   "STATE", "SERVER", "TRANSPORT", "INTERFACE",
                                              "UPTIME", "IN",    "OUT",    "RTT",       "NEXT TRY"};

static void cells_of(const struct status_row *r, char cell[C_COUNT][CELL_MAX])
{
	const struct link_info *li = &r->info;
	for (int c = 0; c < C_COUNT; c++)
		snprintf(cell[c], CELL_MAX, "-");
	snprintf(cell[C_PEER], CELL_MAX, "%s", r->name);
	snprintf(cell[C_STATE], CELL_MAX, "%s%s%s%s", r->state ? r->state : "-",
	         li->phase ? " (" : "", li->phase ? li->phase : "", li->phase ? ")" : "");
	if (li->server)
		snprintf(cell[C_SERVER], CELL_MAX, "%s", li->server);
	if (li->transport)
		snprintf(cell[C_TRANSPORT], CELL_MAX, "%s", li->transport);
	if (li->ifname[0]) {
		snprintf(cell[C_IFACE], CELL_MAX, "%s %s -> %s", li->ifname, li->local, li->remote);
		status_duration(cell[C_UPTIME], CELL_MAX, li->uptime_s);
	}
	if (r->have_bytes) {
		status_bytes(cell[C_IN], CELL_MAX, r->rx_bytes);
		status_bytes(cell[C_OUT], CELL_MAX, r->tx_bytes);
	}
	if (li->rtt_us >= 0)
		snprintf(cell[C_RTT], CELL_MAX, "%.1f ms", li->rtt_us / 1000.0);
	if (li->retrying)
		status_due(cell[C_NEXT], CELL_MAX, li->next_retry_s);
}

static void table_line(struct textbuf *out, char cell[C_COUNT][CELL_MAX], const size_t *width)
{
	for (int c = 0; c < C_COUNT; c++) {
		if (c == C_COUNT - 1) /* no spaces at the end of the line */
			textbuf_printf(out, "%s\n", cell[c]);
		else
			textbuf_printf(out, "%-*s  ", (int)width[c], cell[c]);
	}
}

/* What a link has beyond its row: the kill switch, forwards, why traffic is held, and the
 * last failure. */
static void details(struct textbuf *out, const struct status_row *r)
{
	const struct link_info *li = &r->info;
	bool failure = li->last_failure != NULL;
	if (!li->kill_switch && !r->nforwards && !r->blocked && !failure && !r->refused)
		return;
	textbuf_printf(out, "\n%s:\n", r->name);
	if (r->refused)
		textbuf_printf(out,
		               "  its file was refused at the last reload, the link keeps "
		               "running as it was: %s\n",
		               r->refused);
	if (li->kill_switch) {
		char ks[64];
		status_kill_switch(ks, sizeof(ks), li);
		textbuf_printf(out, "  kill switch: %s\n", ks);
	}
	for (size_t i = 0; i < r->nforwards; i++) {
		const struct forward_status *f = &r->forwards[i];
		textbuf_printf(out, "  %s: %s%s%s\n", f->text, f->state, f->reason[0] ? ": " : "",
		               f->reason);
	}
	if (r->blocked)
		textbuf_printf(out, "  blocked: %s\n", r->blocked);
	if (failure)
		failure_line(out, li->last_failure);
}

void status_render_table(struct textbuf *out, const struct status_row *rows, size_t n,
                         const struct status_refused *refused, size_t nrefused)
{
	if (!n && !nrefused) {
		textbuf_printf(out, "no peers\n");
		return;
	}
	char cell[C_COUNT][CELL_MAX];
	size_t width[C_COUNT];
	for (int c = 0; c < C_COUNT; c++)
		width[c] = strlen(headings[c]);
	for (size_t i = 0; i < n; i++) {
		cells_of(&rows[i], cell);
		for (int c = 0; c < C_COUNT; c++)
			if (strlen(cell[c]) > width[c])
				width[c] = strlen(cell[c]);
	}
	if (n) {
		for (int c = 0; c < C_COUNT; c++)
			snprintf(cell[c], CELL_MAX, "%s", headings[c]);
		table_line(out, cell, width);
	}
	for (size_t i = 0; i < n; i++) {
		cells_of(&rows[i], cell);
		table_line(out, cell, width);
	}
	for (size_t i = 0; i < n; i++)
		details(out, &rows[i]);
	if (!nrefused)
		return;
	size_t w = 0;
	for (size_t i = 0; i < nrefused; i++)
		if (strlen(refused[i].name) > w)
			w = strlen(refused[i].name);
	textbuf_printf(out, "%srefused peer files (fix them, then 'sshdial reload'):\n",
	               n ? "\n" : "");
	for (size_t i = 0; i < nrefused; i++)
		textbuf_printf(out, "  %-*s  %s\n", (int)w, refused[i].name, refused[i].error);
}

void status_render_text(struct textbuf *out, const struct status_row *rows, size_t n)
{
	if (!n)
		textbuf_printf(out, "no peers\n");
	for (size_t i = 0; i < n; i++) {
		const struct status_row *r = &rows[i];
		const struct link_info *li = &r->info;
		textbuf_printf(out, "%s: %s", r->name, r->state);
		if (li->phase)
			textbuf_printf(out, " (%s)", li->phase);
		if (li->ifname[0])
			textbuf_printf(out, ", %s %s peer %s, up %.0f s", li->ifname, li->local,
			               li->remote, li->uptime_s);
		if (li->server)
			textbuf_printf(out, ", server %s", li->server);
		if (li->transport)
			textbuf_printf(out, ", transport %s", li->transport);
		textbuf_printf(out, ", attempts %u%s\n", li->attempts,
		               r->autostart ? ", autostart" : "");
		if (r->have_bytes) {
			char in[32], outb[32];
			status_bytes(in, sizeof(in), r->rx_bytes);
			status_bytes(outb, sizeof(outb), r->tx_bytes);
			textbuf_printf(out, "  bytes in %llu (%s), out %llu (%s)\n",
			               (unsigned long long)r->rx_bytes, in,
			               (unsigned long long)r->tx_bytes, outb);
		}
		if (li->rtt_us >= 0)
			textbuf_printf(out, "  probe round trip %.1f ms\n", li->rtt_us / 1000.0);
		if (li->retrying) {
			char due[64];
			status_due(due, sizeof(due), li->next_retry_s);
			textbuf_printf(out, "  next try %s\n", due);
		}
		if (li->path[0])
			textbuf_printf(out, "  path to the server: %s\n", li->path);
		if (li->kill_switch) {
			char ks[64];
			status_kill_switch(ks, sizeof(ks), li);
			textbuf_printf(out, "  kill switch: %s\n", ks);
		}
		for (size_t j = 0; j < r->nforwards; j++) {
			const struct forward_status *f = &r->forwards[j];
			textbuf_printf(out, "  %s: %s%s%s\n", f->text, f->state,
			               f->reason[0] ? ": " : "", f->reason);
		}
		if (r->refused)
			textbuf_printf(out,
			               "  file refused at the last reload (the link keeps "
			               "running as it was): %s\n",
			               r->refused);
		if (r->blocked)
			textbuf_printf(out, "  blocked: %s\n", r->blocked);
		if (li->last_failure)
			failure_line(out, li->last_failure);
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

static void json_forwards(struct textbuf *out, const struct status_row *r)
{
	key(out, "forwards");
	textbuf_printf(out, "[");
	for (size_t i = 0; i < r->nforwards; i++) {
		const struct forward_status *f = &r->forwards[i];
		textbuf_printf(out, "%s{\"forward\":", i ? "," : "");
		textbuf_json_string(out, f->text);
		str_or_null(out, "state", f->state);
		str_or_null(out, "reason", f->reason);
		textbuf_printf(out, "}");
	}
	textbuf_printf(out, "]");
}

static void json_row(struct textbuf *out, const struct status_row *r)
{
	const struct link_info *li = &r->info;
	textbuf_printf(out, "{\"name\":");
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
	const struct link_failure *f = li->last_failure;
	char failure[ERR_LINE_MAX];
	str_or_null(out, "last_failure",
	            f ? failure_text(f, false, failure, sizeof(failure)) : NULL);
	key(out, "last_failure_time");
	if (f && f->at)
		textbuf_printf(out, "%lld", (long long)f->at);
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
	/* Newer keys go after the older ones, which keep their order for existing readers. */
	str_or_null(out, "phase", li->phase);
	key(out, "next_retry");
	if (li->retrying)
		textbuf_printf(out, "%.1f", li->next_retry_s);
	else
		textbuf_printf(out, "null");
	str_or_null(out, "kill_switch", li->kill_switch);
	key(out, "kill_switch_always");
	textbuf_printf(out, "%s", li->kill_switch_always ? "true" : "false");
	json_forwards(out, r);
	str_or_null(out, "refused", r->refused);
	/* The newest key, last for the same reason. */
	str_or_null(out, "last_failure_fix", f ? f->err.fix : NULL);
	textbuf_printf(out, "}");
}

void status_render_json(struct textbuf *out, const struct status_row *rows, size_t n,
                        const struct status_refused *refused, size_t nrefused)
{
	textbuf_printf(out, "[");
	for (size_t i = 0; i < n; i++) {
		textbuf_printf(out, "%s", i ? "," : "");
		json_row(out, &rows[i]);
	}
	for (size_t i = 0; i < nrefused; i++) {
		struct status_row r = {.name = refused[i].name,
		                       .state = "refused",
		                       .refused = refused[i].error,
		                       .info = {.rtt_us = -1}};
		textbuf_printf(out, "%s", n || i ? "," : "");
		json_row(out, &r);
	}
	textbuf_printf(out, "]\n");
}
