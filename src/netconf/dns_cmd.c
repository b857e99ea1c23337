/* resolvconf's and resolvectl's command lines: see dns_cmd.h. */
#include "netconf/dns_cmd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sys/wait.h>

#include "lib/child.h"
#include "lib/err.h"
#include "lib/run_bounded.h"
#include "lib/text.h"
#include "netconf/change.h"

int dns_resolvconf_record(char *buf, size_t len, const char *ifname, const char *label)
{
	/* resolvconf refuses a record with a '/', a space, or a leading '.', '-' or '~';
	 * an interface name and a safe name have none of them. */
	if (!change_ifname_valid(ifname) || ifname[0] == '.' || ifname[0] == '-' ||
	    ifname[0] == '~' || !safe_name_valid(label))
		return -1;
	int w = snprintf(buf, len, "%s.sshdial-%s", ifname, label);
	return w < 0 || (size_t)w >= len ? -1 : w;
}

size_t dns_resolvconf_argv(const char **argv, bool add, const char *record)
{
	argv[0] = "resolvconf";
	argv[1] = add ? "-a" : "-d";
	argv[2] = record;
	argv[3] = NULL;
	return 3;
}

size_t dns_resolved_argv(const char **argv, enum resolved_step step, const char *ifname,
                         const char *const *servers, size_t n, bool route_all)
{
	static const char *const verbs[] = {[RESOLVED_DNS] = "dns",
	                                    [RESOLVED_DOMAIN] = "domain",
	                                    [RESOLVED_DEFAULT_ROUTE] = "default-route",
	                                    [RESOLVED_REVERT] = "revert"};
	_Static_assert(sizeof(verbs) / sizeof(verbs[0]) == RESOLVED_STEP_COUNT,
	               "a verb for each step");
	size_t c = 0;

	if ((step == RESOLVED_DOMAIN && !route_all) || (step == RESOLVED_DNS && n == 0))
		return 0;
	argv[c++] = "resolvectl";
	argv[c++] = verbs[step];
	argv[c++] = ifname;
	if (step == RESOLVED_DNS)
		for (size_t i = 0; i < n && c < DNS_ARGV_MAX - 1; i++)
			argv[c++] = servers[i];
	else if (step == RESOLVED_DOMAIN)
		argv[c++] = "~.";
	else if (step == RESOLVED_DEFAULT_ROUTE)
		argv[c++] = "yes";
	argv[c] = NULL;
	return c;
}

static bool is_address(const char *s)
{
	unsigned char a[16];
	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

int dns_resolved_spec(char *buf, size_t len, const char *const *servers, size_t n, bool route_all)
{
	size_t at = 0;

	if (len == 0 || n == 0 || n > DNS_SERVERS_MAX)
		return -1;
	buf[0] = '\0';
	for (size_t i = 0; i < n + route_all; i++) {
		const char *w = i < n ? servers[i] : "~.";
		if (i < n && !is_address(w))
			return -1;
		int r = snprintf(buf + at, len - at, "%s%s", at ? " " : "", w);
		if (r < 0 || (size_t)r >= len - at)
			return -1;
		at += (size_t)r;
	}
	return (int)at;
}

int dns_resolved_parse(char *spec, const char **servers, bool *route_all)
{
	int n = 0;
	char *save = NULL;

	*route_all = false;
	for (char *w = strtok_r(spec, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (strcmp(w, "~.") == 0 && !*route_all)
			*route_all = true;
		else if (!*route_all && n < DNS_SERVERS_MAX && is_address(w))
			servers[n++] = w;
		else
			return -1;
	}
	return n;
}

int dns_cmd_run(const struct change_env *env, const char *ifname, const char *path,
                const char *const *argv, const char *in, size_t inlen)
{
	char cmd[256] = "", status[64];
	struct run_result r;
	size_t at = 0;

	for (size_t i = 0; argv[i] && at < sizeof(cmd); i++)
		at += (size_t)snprintf(cmd + at, sizeof(cmd) - at, "%s%s", i ? " " : "",
		                       i ? argv[i] : path);
	if (run_bounded(path, argv, in, inlen, DNS_CMD_TIMEOUT_MS, &r) < 0) {
		err_log(err_errno(env->err, errno, NULL, NULL, "%s: %s: cannot run %s", env->label,
		                  ifname, path));
		return -1;
	}
	if (r.timed_out) {
		err_log(err_set(env->err, NULL, "see why it hangs (its lock, D-Bus)",
		                "%s: %s: %s did not finish within %d s and was killed", env->label,
		                ifname, cmd, DNS_CMD_TIMEOUT_MS / 1000));
		return -1;
	}
	if (WIFEXITED(r.wstatus) && WEXITSTATUS(r.wstatus) == 0)
		return 0;
	child_describe(r.wstatus, status, sizeof(status));
	err_log(err_cause(
	    err_set(env->err, NULL, NULL, "%s: %s: %s %s", env->label, ifname, cmd, status), 0,
	    r.out[0] ? run_first_line(&r) : "it printed nothing"));
	return -1;
}
