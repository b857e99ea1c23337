/* What pppd's ip-up and ip-down tell sshdial, as one datagram on the control socket:
 * "key=value" lines.  Parsing is strict: the sender is another process. */
#ifndef SSHDIAL_HOOK_EVENT_H
#define SSHDIAL_HOOK_EVENT_H

#include <stdbool.h>
#include <stddef.h>

/* HOOK_UNLOCK is not pppd's: `sshdial unlock PEER` asks a running call or the daemon to lift
 * route-all's kill switch.  It names only the peer; every other field is empty. */
enum hook_kind { HOOK_IP_UP, HOOK_IP_DOWN, HOOK_UNLOCK, HOOK_KIND_COUNT /* keep last */ };

#define HOOK_ADDR_LEN 46 /* INET6_ADDRSTRLEN */
#define HOOK_MSG_MAX 512

struct hook_event {
	enum hook_kind kind;
	char peer[33];   /* pppd's ipparam: the peer name */
	char ifname[16]; /* IFNAMSIZ */
	char local[HOOK_ADDR_LEN];
	char remote[HOOK_ADDR_LEN];
	char dns1[HOOK_ADDR_LEN]; /* empty when the server supplied none */
	char dns2[HOOK_ADDR_LEN];
	char tty[64];   /* pppd's device argument ("" with the frame transport) */
	char speed[16]; /* and its speed: passed on to /etc/ppp/ip-up.d */
};

const char *hook_kind_name(enum hook_kind kind);
bool hook_kind_parse(const char *name, enum hook_kind *kind);

/* Returns the message length, or 0 if it does not fit. */
size_t hook_event_format(const struct hook_event *ev, char *buf, size_t len);
/* false, with why (a static string) set, on anything malformed. */
bool hook_event_parse(const char *buf, size_t len, struct hook_event *ev, const char **why);

#endif
