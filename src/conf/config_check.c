/* The peer file's whole-file checks: required, conflicting and meaningless keywords, the
 * default secrets file of pap-user, and the health probe's timing. */
#include "conf/config_reader.h"

#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "conf/config_peer.h"
#include "conf/pppd_options.h"
#include "lib/xalloc.h"

static const char *name(int k)
{
	return config_keywords()->keywords[k].name;
}

/* With pty, pppd runs that command instead of ssh: ssh settings would be ignored.
 * local-user is not one of them: the command runs as that account. */
static void check_pty_conflicts(struct config_reader *r)
{
	static const enum peer_keyword ssh_only[] = {
	    PK_HOST,     PK_PORT,        PK_HOST_ORDER, PK_SSH_USER,
	    PK_IDENTITY, PK_KNOWN_HOSTS, PK_SSH_OPTION, PK_REMOTE_COMMAND,
	    PK_FORWARD,  PK_LINK,        PK_JUMP,       PK_TRANSPORT};
	for (size_t i = 0; i < sizeof(ssh_only) / sizeof(ssh_only[0]); i++) {
		enum peer_keyword k = ssh_only[i];
		const struct kw_place at = config_place(r, r->first_line[k]);
		if (r->first_line[k])
			kw_error(
			    &at,
			    "%s: not used with 'pty' (line %u), which runs instead of ssh; remove "
			    "one of them",
			    name(k), r->first_line[PK_PTY]);
	}
}

static void check_required(struct config_reader *r)
{
	const struct kw_place whole = config_place(r, 0);
	if (r->first_line[PK_PTY]) {
		check_pty_conflicts(r);
		return;
	}
	if (!r->first_line[PK_HOST])
		kw_error(&whole, "host: missing; name the ssh server with 'host NAME'");
	/* Never a silent default: ssh as root would use root's keys and known_hosts. */
	if (!r->first_line[PK_LOCAL_USER])
		kw_error(&whole,
		         "local-user: missing; name the local account whose ssh keys and "
		         "known_hosts ssh uses with 'local-user NAME' (root only if you name it)");
}

/* With 'link no' there is no pppd: what only pppd or the link would use is a mistake. */
static void check_forwards_only(struct config_reader *r)
{
	static const enum peer_keyword link_only[] = {
	    PK_PAP_USER, PK_PAP_PASSWORD_FILE, PK_PAP_SECRETS,    PK_ROUTE,          PK_ROUTE_ALL,
	    PK_DNS,      PK_COMPRESSION,       PK_PPPD_OPTION,    PK_LINKNAME,       PK_REMOTENAME,
	    PK_HEALTH,   PK_HEALTH_INTERVAL,   PK_HEALTH_TIMEOUT, PK_REMOTE_COMMAND, PK_TRANSPORT};
	if (r->peer->link)
		return;
	for (size_t i = 0; i < sizeof(link_only) / sizeof(link_only[0]); i++) {
		enum peer_keyword k = link_only[i];
		const struct kw_place at = config_place(r, r->first_line[k]);
		if (r->first_line[k])
			kw_error(&at,
			         "%s: not used with 'link no' (line %u), which runs no pppd and no "
			         "remote command; remove "
			         "one of them",
			         name(k), r->first_line[PK_LINK]);
	}
	const struct kw_place at_link = config_place(r, r->first_line[PK_LINK]);
	if (r->peer->forward_count == 0)
		kw_error(&at_link, "link: 'link no' leaves nothing to do without a forward; add "
		                   "'forward local PORT HOST:PORT' or remove 'link no'");
}

static void check_pap(struct config_reader *r)
{
	unsigned file_line = r->first_line[PK_PAP_PASSWORD_FILE];
	unsigned secrets_line = r->first_line[PK_PAP_SECRETS];
	unsigned user_line = r->first_line[PK_PAP_USER];
	/* The later of the two is the one to remove. */
	int later = file_line > secrets_line ? PK_PAP_PASSWORD_FILE : PK_PAP_SECRETS;
	int earlier = later == PK_PAP_SECRETS ? PK_PAP_PASSWORD_FILE : PK_PAP_SECRETS;
	const struct kw_place at_later = config_place(r, r->first_line[later]);
	if (file_line && secrets_line)
		kw_error(&at_later, "%s: conflicts with %s at line %u; keep one", name(later),
		         name(earlier), r->first_line[earlier]);
	int given = file_line ? PK_PAP_PASSWORD_FILE : PK_PAP_SECRETS;
	const struct kw_place at_given = config_place(r, r->first_line[given]);
	if ((file_line || secrets_line) && !user_line)
		kw_error(&at_given, "%s: needs 'pap-user NAME', the account to authenticate as",
		         name(given));
	if (user_line && !file_line && !secrets_line) {
		/* As pppd does: the secret for pap-user comes from its own secrets file. */
		const struct kw_place at_user = config_place(r, user_line);
		config_check_secret_file(&at_user, PK_PAP_USER, PPPD_PAP_SECRETS);
		r->peer->secret_source = SECRET_PAP_SECRETS;
		free(r->peer->secret_path);
		r->peer->secret_path = xstrdup(PPPD_PAP_SECRETS);
	}
}

/* route-all keeps ssh's own connection out of the tunnel by its uid (route_all.h): with a pty
 * command there is no such uid, and root's would exempt all of root's traffic. */
static void check_route_all(struct config_reader *r)
{
	const struct kw_place at = config_place(r, r->first_line[PK_ROUTE_ALL]);
	static const enum peer_keyword needs[] = {PK_ALLOW_LAN, PK_KILL_SWITCH};

	if (!r->peer->route_all) {
		for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
			const struct kw_place here = config_place(r, r->first_line[needs[i]]);
			if (r->first_line[needs[i]])
				kw_error(&here, "%s: only has a meaning with 'route-all yes'",
				         name(needs[i]));
		}
		return;
	}
	if (r->first_line[PK_PTY])
		kw_error(&at,
		         "route-all: not with 'pty' (line %u): route-all keeps ssh's connection "
		         "on the underlying network by its local-user, which a pty command has not",
		         r->first_line[PK_PTY]);
	else if (r->peer->local_user && strcmp(r->peer->local_user, "root") == 0)
		kw_error(&at, "route-all: local-user is root, whose traffic would all bypass the "
		              "link to keep ssh's connection out of it; name a dedicated account "
		              "with 'local-user NAME'");
}

/* ipv6 yes needs the server's prefix; the prefix alone does nothing. */
static void check_ipv6(struct config_reader *r)
{
	const struct kw_place at = config_place(r, r->first_line[PK_IPV6]);
	const struct kw_place at_prefix = config_place(r, r->first_line[PK_IPV6_PREFIX]);
	if (r->peer->ipv6 && !r->first_line[PK_IPV6_PREFIX])
		kw_error(&at, "ipv6: needs 'ipv6-prefix ADDRESS/PREFIX', the server's ipv6-prefix "
		              "(sshdial-server(5))");
	else if (!r->peer->ipv6 && r->first_line[PK_IPV6_PREFIX])
		kw_error(&at_prefix, "ipv6-prefix: only has a meaning with 'ipv6 yes'");
}

/* A timeout shorter than two probe periods would call a link dead for one lost probe. */
static void check_health(struct config_reader *r)
{
	const struct peer *p = r->peer;
	unsigned line = r->first_line[PK_HEALTH_TIMEOUT] ? r->first_line[PK_HEALTH_TIMEOUT]
	                                                 : r->first_line[PK_HEALTH_INTERVAL];
	const struct kw_place at = config_place(r, line);
	if (line && p->health_timeout_ms < 2 * p->health_interval_ms)
		kw_error(
		    &at,
		    "health-timeout: %.3g s is less than twice health-interval (%.3g s); one lost "
		    "probe would end the link: raise health-timeout",
		    p->health_timeout_ms / 1000.0, p->health_interval_ms / 1000.0);
}

void config_check_file(struct config_reader *r)
{
	check_required(r);
	check_route_all(r);
	check_ipv6(r);
	check_forwards_only(r);
	if (r->peer->link)
		check_pap(r);
	check_health(r);
}
