#include "link/script_env.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static bool given(const char *s)
{
	return s && *s;
}

/* "a b", "a", "b" or "": the servers offered, a repeat dropped. */
static void dns_list(const struct script_link *k, char *buf, size_t len, const char *sep)
{
	const char *one = or_empty(k->dns1), *two = or_empty(k->dns2);
	if (strcmp(one, two) == 0)
		two = "";
	snprintf(buf, len, "%s%s%s", one, *one && *two ? sep : "", two);
}

struct strv *script_env_sshdial(const struct script_link *k, bool up)
{
	struct strv *v = strv_new();
	char dns[2 * 46 + 2];
	dns_list(k, dns, sizeof(dns), " ");
	strv_pushf(v, "SSHDIAL_EVENT=%s", up ? "up" : "down");
	strv_pushf(v, "SSHDIAL_PEER=%s", or_empty(k->peer));
	strv_pushf(v, "SSHDIAL_INTERFACE=%s", or_empty(k->ifname));
	strv_pushf(v, "IFNAME=%s", or_empty(k->ifname));
	strv_pushf(v, "SSHDIAL_LOCAL_ADDR=%s", or_empty(k->local));
	strv_pushf(v, "SSHDIAL_PEER_ADDR=%s", or_empty(k->remote));
	if (given(k->local6))
		strv_pushf(v, "SSHDIAL_LOCAL_ADDR6=%s", k->local6);
	if (given(k->server))
		strv_pushf(v, "SSHDIAL_SERVER=%s", k->server);
	strv_pushf(v, "SSHDIAL_DNS=%s", dns);
	strv_push(v, "PATH=" SCRIPT_PATH);
	strv_push(v, "LC_ALL=C");
	return v;
}

static const char *tty_name(const char *tty)
{
	const char *t = or_empty(tty);
	return strncmp(t, "/dev/", 5) == 0 ? t + 5 : t;
}

struct strv *script_env_pppd(const struct script_link *k)
{
	struct strv *v = strv_new();
	strv_pushf(v, "IFNAME=%s", or_empty(k->ifname));
	strv_pushf(v, "IPLOCAL=%s", or_empty(k->local));
	strv_pushf(v, "IPREMOTE=%s", or_empty(k->remote));
	strv_pushf(v, "DEVICE=%s", or_empty(k->tty));
	strv_pushf(v, "SPEED=%s", or_empty(k->speed));
	strv_pushf(v, "LINKNAME=%s", or_empty(k->linkname));
	strv_pushf(v, "CALL_FILE=%s", or_empty(k->peer));
	if (k->pppd_pid > 0)
		strv_pushf(v, "PPPD_PID=%d", k->pppd_pid);
	if (given(k->dns1))
		strv_pushf(v, "DNS1=%s", k->dns1);
	if (given(k->dns2))
		strv_pushf(v, "DNS2=%s", k->dns2);
	strv_pushf(v, "PPP_IFACE=%s", or_empty(k->ifname));
	strv_pushf(v, "PPP_TTY=%s", or_empty(k->tty));
	strv_pushf(v, "PPP_SPEED=%s", or_empty(k->speed));
	strv_pushf(v, "PPP_LOCAL=%s", or_empty(k->local));
	strv_pushf(v, "PPP_REMOTE=%s", or_empty(k->remote));
	strv_pushf(v, "PPP_IPPARAM=%s", or_empty(k->peer));
	strv_pushf(v, "PPP_TTYNAME=%s", tty_name(k->tty));
	strv_pushf(v, "SSHDIAL_PEER=%s", or_empty(k->peer));
	strv_push(v, "PATH=" SCRIPT_PATH);
	return v;
}

struct strv *script_argv_run_parts(const char *run_parts, const char *dir,
                                   const struct script_link *k)
{
	struct strv *v = strv_new();
	strv_push(v, run_parts);
	const char *args[] = {k->ifname, k->tty, k->speed, k->local, k->remote, k->peer};
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		strv_pushf(v, "--arg=%s", or_empty(args[i]));
	strv_push(v, "--");
	strv_push(v, dir);
	return v;
}
