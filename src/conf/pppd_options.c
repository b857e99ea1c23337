#include "conf/pppd_options.h"

#include <stddef.h>
#include <string.h>

/* From pppd(8) and options.c of pppd 2.4.9, plugins that Debian ships included. */
static const char *const with_value[] = {
    "+ua",
    "active-filter",
    "allow-ip",
    "allow-number",
    "asyncmap",
    "bsdcomp",
    "ca",
    "call",
    "cert",
    "chap-interval",
    "chap-max-challenge",
    "chap-restart",
    "chap-timeout",
    "child-timeout",
    "connect",
    "connect-delay",
    "crl",
    "crl-dir",
    "defaultroute-metric",
    "deflate",
    "disconnect",
    "domain",
    "eap-interval",
    "eap-max-rreq",
    "eap-max-sreq",
    "eap-restart",
    "eap-timeout",
    "endpoint",
    "escape",
    "file",
    "holdoff",
    "idle",
    "ifname",
    "init",
    "ip-down-script",
    "ip-up-script",
    "ipcp-max-configure",
    "ipcp-max-failure",
    "ipcp-max-terminate",
    "ipcp-restart",
    "ipparam",
    "ipv6",
    "ipv6-down-script",
    "ipv6-up-script",
    "ipv6cp-max-configure",
    "ipv6cp-max-failure",
    "ipv6cp-max-terminate",
    "ipv6cp-restart",
    "ipx-network",
    "ipx-node",
    "ipx-router-name",
    "ipx-routing",
    "ipxcp-max-configure",
    "ipxcp-max-failure",
    "ipxcp-max-terminate",
    "kdebug",
    "key",
    "lcp-echo-failure",
    "lcp-echo-interval",
    "lcp-max-configure",
    "lcp-max-failure",
    "lcp-max-terminate",
    "lcp-restart",
    "linkname",
    "logfd",
    "logfile",
    "maxconnect",
    "maxfail",
    "mrru",
    "ms-dns",
    "ms-wins",
    "mru",
    "mtu",
    "name",
    "pap-max-authreq",
    "pap-restart",
    "pap-timeout",
    "pass-filter",
    "password",
    "passwordfd",
    "plugin",
    "pppoe-ac",
    "pppoe-host-uniq",
    "pppoe-mac",
    "pppoe-padi-attempts",
    "pppoe-padi-timeout",
    "pppoe-service",
    "pppoe-sess",
    "pppoe-verbose",
    "privgroup",
    "pty",
    "record",
    "remotename",
    "remotenumber",
    "set",
    "srp-interval",
    "srp-pn-secret",
    "stop-bits",
    "unit",
    "unset",
    "user",
    "vj-max-slots",
    "welcome",
};

static const char *const without_value[] = {
    "+ipv6",
    "auth",
    "cdtrcts",
    "chapms-strip-domain",
    "crtscts",
    "debug",
    "default-asyncmap",
    "default-mru",
    "defaultroute",
    "defaultroute6",
    "demand",
    "detach",
    "dryrun",
    "dump",
    "enable-session",
    "hide-password",
    "ipcp-accept-local",
    "ipcp-accept-remote",
    "ipv6cp-accept-local",
    "ipv6cp-accept-remote",
    "ipv6cp-use-ipaddr",
    "ipv6cp-use-persistent",
    "ipx",
    "ipxcp-accept-local",
    "ipxcp-accept-network",
    "ipxcp-accept-remote",
    "ktune",
    "lcp-echo-adaptive",
    "local",
    "lock",
    "login",
    "master_detach",
    "modem",
    "mp",
    "mppe-stateful",
    "mpshortseq",
    "multilink",
    "need-peer-eap",
    "noaccomp",
    "noauth",
    "nobsdcomp",
    "noccp",
    "nocdtrcts",
    "nocrtscts",
    "nodefaultroute",
    "nodefaultroute6",
    "nodeflate",
    "nodetach",
    "noendpoint",
    "noip",
    "noipdefault",
    "noipv6",
    "noipx",
    "noktune",
    "nolock",
    "nolog",
    "nomagic",
    "nomp",
    "nomppe",
    "nomppe-128",
    "nomppe-40",
    "nomppe-stateful",
    "nompshortseq",
    "nomultilink",
    "nopcomp",
    "nopersist",
    "nopredictor1",
    "noproxyarp",
    "noremoteip",
    "noreplacedefaultroute",
    "notty",
    "novj",
    "novjccomp",
    "papcrypt",
    "passive",
    "persist",
    "predictor1",
    "proxyarp",
    "receive-all",
    "refuse-chap",
    "refuse-eap",
    "refuse-mschap",
    "refuse-mschap-v2",
    "refuse-pap",
    "replacedefaultroute",
    "require-chap",
    "require-eap",
    "require-mppe",
    "require-mppe-128",
    "require-mppe-40",
    "require-mschap",
    "require-mschap-v2",
    "require-pap",
    "show-password",
    "silent",
    "srp-use-pseudonym",
    "sync",
    "up_sdnotify",
    "updetach",
    "usehostname",
    "usepeerdns",
    "xonxoff",
};

struct refusal {
	const char *option;
	const char *keyword; /* sshdial's replacement, if any */
	const char *why;
};

#define UP_HOOK "sshdial runs its own hook; use 'up-script' (a pppd peer file: /etc/ppp/ip-up.d)"
#define DOWN_HOOK                                                                                  \
	"sshdial runs its own hook; use 'down-script' (a pppd peer file: /etc/ppp/ip-down.d)"

static const struct refusal refusals[] = {
    {"pty", "pty", "use the 'pty' keyword"},
    {"notty", NULL, "sshdial gives pppd its terminal"},
    {"detach", NULL, "sshdial keeps pppd in the foreground to supervise it"},
    {"updetach", NULL, "sshdial keeps pppd in the foreground to supervise it"},
    {"nodetach", NULL, "sshdial keeps pppd in the foreground to supervise it"},
    {"persist", NULL, "sshdial redials the link itself"},
    {"demand", NULL, "sshdial redials the link itself"},
    {"ip-up-script", "up-script", UP_HOOK},
    {"ip-down-script", "down-script", DOWN_HOOK},
    {"ipv6-up-script", "up-script", UP_HOOK},
    {"ipv6-down-script", "down-script", DOWN_HOOK},
    {"logfd", NULL, "sshdial reads pppd's log itself"},
    {"passwordfd", NULL,
     "sshdial hands pppd the PAP secret itself; use 'pap-password-file' or 'pap-secrets'"},
    {"ipparam", NULL, "sshdial uses it to tell its links apart"},
    {"linkname", "linkname", "use the 'linkname' keyword"},
    {"user", "pap-user", "use the 'pap-user' keyword"},
    {"password", "pap-password-file",
     "the secret would show on pppd's command line; use 'pap-password-file'"},
    {"show-password", NULL,
     "pppd would write the PAP secret into its log, which sshdial relays; remove it"},
    {"call", NULL,
     "sshdial cannot check the options of another file; copy them here as pppd-option lines"},
    {"file", NULL,
     "sshdial cannot check the options of another file; copy them here as pppd-option lines"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool in_list(const char *const *list, size_t n, const char *word)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], word) == 0)
			return true;
	return false;
}

bool pppd_option_takes_value(const char *word)
{
	return in_list(with_value, COUNT(with_value), word);
}

bool pppd_option_known(const char *word)
{
	return pppd_option_takes_value(word) || in_list(without_value, COUNT(without_value), word);
}

static const struct refusal *find_refusal(const char *word)
{
	for (size_t i = 0; i < COUNT(refusals); i++)
		if (strcmp(refusals[i].option, word) == 0)
			return &refusals[i];
	return NULL;
}

const char *pppd_option_refusal(const char *word)
{
	const struct refusal *r = find_refusal(word);
	return r ? r->why : NULL;
}

const char *pppd_option_keyword(const char *word)
{
	const struct refusal *r = find_refusal(word);
	return r ? r->keyword : NULL;
}
