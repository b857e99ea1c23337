#include "link/pppd_argv.h"

/* Order matters: pppd lets a later option override an earlier one.  Defaults come first
 * so that the peer's pppd-options can change them; what sshdial's supervision depends on
 * comes last so that nothing can. */
struct strv *pppd_argv_build(const struct peer *p, const struct pppd_params *params)
{
	struct strv *v = strv_new();

	strv_push(v, PPPD_PATH);
	if (params->channelfd > 0) {
		/* No tty: the plugin takes the kernel's L2TP session (frames/l2tp_link.h), and
		 * refuses every tty option ("unrecognized option 'local'"). */
		strv_push(v, "plugin");
		strv_push(v, PPPD_FRAMES_PLUGIN);
		strv_push(v, "pppol2tp");
		strv_pushf(v, "%d", params->channelfd);
	} else {
		strv_push(v, params->tty);
		/* A pseudo-terminal has no modem lines (Debian's /etc/ppp/options asks for
		 * them). */
		strv_push(v, "local");
		strv_push(v, "nocrtscts");
	}
	/* The server is authenticated by its ssh host key; PAP authenticates us to it. */
	strv_push(v, "noauth");
	/* Take the addresses the server assigns instead of guessing from the hostname. */
	strv_push(v, "noipdefault");
	strv_push(v, "ipcp-accept-local");
	strv_push(v, "ipcp-accept-remote");
	/* Compressing inside ssh costs more than it saves: measured, pppd's Deflate cut bulk
	 * throughput over ssh to less than half (sshdial-peer(5), compression). */
	if (!peer_compression(p))
		strv_push(v, "noccp");
	if (peer_dns(p))
		strv_push(v, "usepeerdns");
	/* IPV6CP: the server's pppd gives the interface identifiers (serve_pppd.c). */
	if (peer_ipv6(p)) {
		strv_push(v, "+ipv6");
		strv_push(v, "ipv6cp-accept-local");
	}
	/* A backstop behind sshdial's own probe (health.c): 30 s without LCP echo replies. */
	strv_push(v, "lcp-echo-interval");
	strv_push(v, "10");
	strv_push(v, "lcp-echo-failure");
	strv_push(v, "3");
	/* pppd starts LCP before ssh has logged in, and would give up after its 10 unanswered
	 * Config-Requests (30 s): a loaded server logs in slower than that, and every attempt
	 * then ended there, measured (bench/serve-scale).  Passive, pppd waits for the
	 * server's pppd instead; sshdial's attempt deadline (attempt_deadline.h) bounds it. */
	strv_push(v, "passive");

	const struct strv *opts = peer_pppd_options(p);
	for (size_t i = 0; opts && i < strv_len(opts); i++)
		strv_push(v, strv_get(opts, i));

	if (peer_pap_user(p)) {
		strv_push(v, "user");
		strv_push(v, peer_pap_user(p));
		if (params->passwordfd >= 0) {
			strv_push(v, "plugin");
			strv_push(v, "passwordfd.so");
			strv_push(v, "passwordfd");
			strv_pushf(v, "%d", params->passwordfd);
		}
	}
	if (peer_remotename(p)) {
		strv_push(v, "remotename");
		strv_push(v, peer_remotename(p));
	}
	strv_push(v, "nodetach");
	strv_push(v, "nopersist");
	/* The kernel does not tell pppd when its L2TP session goes (pppd sees no hangup):
	 * told to end, it sends one Terminate-Request and ends at once, instead of waiting up
	 * to 9 s for an answer a closed stream cannot bring. */
	if (params->channelfd > 0) {
		strv_push(v, "lcp-max-terminate");
		strv_push(v, "0");
	}
	strv_push(v, "linkname");
	strv_push(v, peer_linkname(p));
	strv_push(v, "ipparam");
	strv_push(v, peer_name(p));
	strv_push(v, "logfd");
	strv_pushf(v, "%d", params->logfd);
	strv_push(v, "ip-up-script");
	strv_push(v, params->ip_up);
	strv_push(v, "ip-down-script");
	strv_push(v, params->ip_down);
	return v;
}
