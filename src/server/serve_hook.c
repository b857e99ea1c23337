/* The server's ip-up and ip-down script.  pppd, started by sshdial serve as the login
 * account, runs it as root through the links that 'sshdial authorize --install' makes
 * (/etc/ppp/sshdial-serve-ip-up, -ip-down), with the arguments iface tty speed local
 * remote ipparam.  Any account of group dip can start pppd with the same options file and
 * any ipparam, so ipparam is only a claim: the routes come from root's server.conf, and
 * are installed only when the pppd that runs this hook (its parent) is a serve account's
 * (group sshdial-serve, the lease directory's) and itself holds the lock of the remote
 * address's lease, which names that key.  The lock's holder comes from the kernel
 * (/proc/locks), never from what a lease file says. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/exit_status.h"
#include "ctl/hook_args.h"
#include "ctl/hook_event.h"
#include "server/lease.h"
#include "lib/err.h"
#include "lib/log.h"
#include "netconf/netconf.h"
#include "netconf/nft.h"
#include "frames/ppp_queue.h"
#include "conf/pppd_options.h"
#include "lib/proc.h"
#include "ctl/rundir.h"
#include "server/serve_log.h"
#include "server/server_conf.h"

/* The link pppd reports, and the key its ipparam claims. */
struct serve_link {
	const char *ifname;
	const char *local;
	const char *remote;
	const char *key; /* ipparam, when it is a valid key name */
};

static void journal_of(char *buf, size_t len, const char *ifname)
{
	snprintf(buf, len, "%s/serve-%s.journal", RUNDIR, ifname);
}

/* server.conf decides what root does: only root may be able to change it. */
static struct server_conf *load_conf(void)
{
	struct stat st;
	if (stat(SERVER_CONF_PATH, &st) < 0) {
		err_log_errno(errno, "cannot stat %s", SERVER_CONF_PATH);
		return NULL;
	}
	if (st.st_uid != 0 || (st.st_mode & 022)) {
		log_error("%s must be owned by root and writable only by it; ignoring it "
		          "(run 'chown root %s; chmod go-w %s')",
		          SERVER_CONF_PATH, SERVER_CONF_PATH, SERVER_CONF_PATH);
		return NULL;
	}
	struct diag *d = diag_new();
	struct server_conf *c = server_conf_load(SERVER_CONF_PATH, d);
	for (size_t i = 0; i < diag_count(d); i++)
		log_error("%s", diag_get(d, i));
	diag_free(d);
	return c;
}

/* The lease directory is root's and its group is one that only serve accounts are in:
 * not pppd's own group (dip), whose members could write leases for any key. */
static bool lease_dir_sound(const char *dir, const struct serve_link *a, gid_t *group)
{
	struct stat st, pppd;
	if (stat(dir, &st) < 0) {
		log_warn("key %s: %s: cannot stat lease-dir %s: %s; no routes", a->key, a->ifname,
		         dir, strerror(errno));
		return false;
	}
	if (st.st_uid != 0 || (st.st_mode & 002) ||
	    (stat(PPPD_PATH, &pppd) == 0 && pppd.st_gid == st.st_gid && st.st_gid != 0)) {
		log_error("key %s: %s: lease-dir %s must be owned by root and group %s, not "
		          "writable by others; no routes (run 'sshdial authorize --install')",
		          a->key, a->ifname, dir, LEASE_GROUP);
		return false;
	}
	*group = st.st_gid;
	return true;
}

/* The claim of ipparam holds: the remote address is leased to this key (and is its fixed
 * address when it has one). */
static bool claim_holds(const struct server_conf *c, const struct key_settings *k,
                        const struct serve_link *a)
{
	struct in_addr remote;
	char holder[SERVER_KEY_NAME_MAX + 1] = "";
	if (inet_pton(AF_INET, a->remote, &remote) != 1) {
		log_warn("key %s: %s: remote address '%s' is not IPv4; no routes", a->key,
		         a->ifname, a->remote);
		return false;
	}
	if (k->has_address && remote.s_addr != k->address.s_addr) {
		log_warn("key %s: %s: remote address %s is not the key's address; no routes",
		         a->key, a->ifname, a->remote);
		return false;
	}
	const char *dir = server_conf_lease_dir(c);
	gid_t group;
	if (!lease_dir_sound(dir, a, &group))
		return false;
	/* Our parent is the pppd whose link this is (pppd runs its scripts as direct
	 * children); it must hold the lease itself, as serve's exec leaves it. */
	pid_t pppd = getppid();
	pid_t pid = lease_holder_pid(dir, remote, holder, sizeof(holder));
	if (pid != pppd || strcmp(holder, a->key) != 0) {
		log_warn("key %s: %s: %s is not leased to this key by this link's pppd (pid %d): "
		         "%s; no routes",
		         a->key, a->ifname, a->remote, (int)pppd,
		         pid <= 0      ? "no process holds the lease"
		         : pid != pppd ? "another process holds the lease"
		                       : "the lease names another key");
		return false;
	}
	struct proc_ids ids;
	if (!proc_comm_is(pppd, "pppd") || !proc_ids_read(pppd, &ids) ||
	    (ids.ruid != 0 && !proc_ids_in_group(&ids, group))) {
		log_warn("key %s: %s: the pppd (pid %d) does not run as an account of the lease "
		         "directory's group %s; no routes",
		         a->key, a->ifname, (int)pppd, LEASE_GROUP);
		return false;
	}
	return true;
}

static void enable_forwarding(const char *key, const char *ifname, bool ipv6)
{
	const char *path =
	    ipv6 ? "/proc/sys/net/ipv6/conf/all/forwarding" : "/proc/sys/net/ipv4/ip_forward";
	const char *name = ipv6 ? "IPv6" : "IPv4";
	char v = '0';
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || pread(fd, &v, 1, 0) != 1) {
		err_log_errno(errno, "key %s: %s: cannot read %s", key, ifname, path);
	} else if (v != '1') {
		if (pwrite(fd, "1\n", 2, 0) != 2)
			err_log_errno(errno, "key %s: %s: cannot turn on %s forwarding (%s)", key,
			              ifname, name, path);
		else
			log_info("key %s: %s: turned on %s forwarding (%s), which stays on", key,
			         ifname, name, path);
	}
	if (fd >= 0)
		close(fd);
}

/* A crash of a server pppd (or of this hook) skips ip-down: its journal stays, naming an
 * interface that is gone.  Undone here by the next hook of any link; a journal of a live
 * interface is that link's, and one reused by a new link is undone when that link opens it. */
static void sweep_stale(const char *self)
{
	DIR *d = opendir(RUNDIR);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d))) {
		char ifname[IF_NAMESIZE], journal[128], label[64];
		size_t n = strlen(de->d_name);
		if (strncmp(de->d_name, "serve-", 6) != 0 || n < 6 + 8 + 1 ||
		    strcmp(de->d_name + n - 8, ".journal") != 0 || n - 6 - 8 >= sizeof(ifname))
			continue;
		snprintf(ifname, sizeof(ifname), "%.*s", (int)(n - 6 - 8), de->d_name + 6);
		if (strcmp(ifname, self) == 0 || if_nametoindex(ifname) != 0 || errno != ENODEV)
			continue;
		journal_of(journal, sizeof(journal), ifname);
		snprintf(label, sizeof(label), "%s (gone)", ifname);
		struct netconf *nc = netconf_open(label, journal);
		if (nc)
			netconf_close(nc);
	}
	closedir(d);
}

/* ipv6-prefix: the server's end gets PREFIX::LOCAL on the interface and the client's
 * PREFIX::REMOTE a route through it (cidr_ipv6_host), journaled with the rest. */
static int add_ipv6(struct netconf *nc, const struct key_settings *k, const struct serve_link *a)
{
	unsigned char local[4], remote[4];
	struct cidr own, peer;
	char text[CIDR_STRLEN];
	if (inet_pton(AF_INET, a->local, local) != 1 ||
	    inet_pton(AF_INET, a->remote, remote) != 1 ||
	    !cidr_ipv6_host(&k->ipv6_prefix, local, &own) ||
	    !cidr_ipv6_host(&k->ipv6_prefix, remote, &peer)) {
		log_error(
		    "key %s: %s: ipv6-prefix: the link's addresses '%s' and '%s' are not IPv4; "
		    "no IPv6 through it",
		    a->key, a->ifname, a->local, a->remote);
		return -1;
	}
	if (netconf_addr_add(nc, JOURNAL_ATTEMPT, a->ifname, &own) < 0 ||
	    netconf_route_add(nc, a->ifname, &peer) < 0)
		return -1;
	cidr_format(&peer, text, sizeof(text));
	log_info("key %s: %s up, peer %s: IPv6 %s through it", a->key, a->ifname, a->remote, text);
	return 0;
}

/* The key's routes, IPv6 and masquerade, journaled for ip-down. */
static int add_changes(const struct key_settings *k, const struct serve_link *a)
{
	char journal[128], label[64], oif[IF_NAMESIZE] = "";
	if (k->route_count == 0 && !k->masquerade && !k->has_ipv6)
		return 0;
	if (mkdir(RUNDIR, 0700) < 0 && errno != EEXIST) {
		err_log_errno(errno, "key %s: cannot create %s", a->key, RUNDIR);
		return -1;
	}
	journal_of(journal, sizeof(journal), a->ifname);
	snprintf(label, sizeof(label), "key %s", a->key);
	struct netconf *nc = netconf_open(label, journal);
	if (!nc)
		return -1;
	for (size_t i = 0; i < k->route_count; i++) {
		if (netconf_route_add(nc, a->ifname, &k->routes[i]) < 0) {
			netconf_close(nc);
			return -1;
		}
	}
	if (k->route_count)
		log_info("key %s: %s up, peer %s: added %zu route%s", a->key, a->ifname, a->remote,
		         k->route_count, k->route_count == 1 ? "" : "s");
	if (k->has_ipv6 && add_ipv6(nc, k, a) < 0) {
		netconf_close(nc);
		return -1;
	}
	if (k->masquerade && !nft_default_ifname(oif, sizeof(oif))) {
		log_error("key %s: %s: masquerade: the server has no IPv4 default route to "
		          "masquerade out of; the link carries no traffic to the internet (add a "
		          "default route)",
		          a->key, a->ifname);
	} else if (k->masquerade) {
		struct cidr addr = {.family = AF_INET, .prefixlen = 32};
		inet_pton(AF_INET, a->remote, addr.addr);
		if (netconf_masquerade(nc, JOURNAL_ATTEMPT, &addr, oif) < 0) {
			netconf_close(nc);
			return -1;
		}
		log_info("key %s: %s up, peer %s: masqueraded out of %s (nftables table ip %s)",
		         a->key, a->ifname, a->remote, oif, NFT_TABLE);
	}
	netconf_release(nc); /* ip-down undoes them */
	return 0;
}

static int ip_up(const struct serve_link *a)
{
	struct server_conf *c = load_conf();
	struct key_settings k;
	int status = EXIT_OK;
	if (!c)
		return EXIT_CONFIG;
	serve_log_open(c, SERVE_LOG_HOOK);
	sweep_stale(a->ifname);
	/* Best effort, as on the client: without it the link only carries less. */
	char label[64];
	snprintf(label, sizeof(label), "key %s", a->key ? a->key : "(none)");
	(void)ppp_queue_setup(label, a->ifname);
	if (!a->key) {
		log_warn("%s: ipparam is not an sshdial key name; no routes", a->ifname);
	} else if (server_conf_resolve(c, a->key, NULL, NULL, 0, &k, NULL) &&
	           (k.route_count || k.forwarding || k.masquerade || k.has_ipv6) &&
	           claim_holds(c, &k, a)) {
		if (k.forwarding || k.masquerade)
			enable_forwarding(a->key, a->ifname, false);
		if (k.has_ipv6 && (k.forwarding || k.masquerade))
			enable_forwarding(a->key, a->ifname, true);
		if (add_changes(&k, a) < 0) {
			/* As on the client: down rather than half-configured.  pppd runs its
			 * scripts as direct children. */
			log_error("key %s: %s: taking the link down", a->key, a->ifname);
			kill(getppid(), SIGTERM);
			status = EXIT_SYSTEM;
		}
	}
	server_conf_free(c);
	return status;
}

static int ip_down(const struct serve_link *a)
{
	char journal[128], label[64];
	sweep_stale(a->ifname);
	journal_of(journal, sizeof(journal), a->ifname);
	if (access(journal, F_OK) != 0)
		return EXIT_OK;
	snprintf(label, sizeof(label), "key %s", a->key ? a->key : a->ifname);
	/* Opening undoes what the journal lists; its "left by an earlier run" is the usual
	 * case here, not news. */
	log_set_level(LOG_LEVEL_WARN);
	struct netconf *nc = netconf_open(label, journal);
	log_set_level(LOG_LEVEL_INFO);
	if (!nc)
		return EXIT_SYSTEM;
	log_info("%s: %s down: its routes, IPv6 and masquerade are removed", label, a->ifname);
	netconf_close(nc);
	return EXIT_OK;
}

int serve_hook_main(int argc, char **argv)
{
	struct hook_args args;
	if (!isatty(2))
		log_open("sshdial-serve", true);
	if (!hook_args_parse(argc, argv, "serve-hook", &args))
		return EXIT_CONFIG;
	if (geteuid() != 0) {
		log_error("the server's hook must run as root (pppd runs it so)");
		return EXIT_SYSTEM;
	}
	const struct serve_link l = {
	    .ifname = args.ifname,
	    .local = args.local,
	    .remote = args.remote,
	    .key = server_key_name_valid(args.ipparam) ? args.ipparam : NULL,
	};
	if (strchr(l.ifname, '/') || !l.ifname[0] || strlen(l.ifname) >= 16) {
		log_error("%s: '%s' is not an interface name", hook_kind_name(args.kind), l.ifname);
		return EXIT_CONFIG;
	}
	return args.kind == HOOK_IP_UP ? ip_up(&l) : ip_down(&l);
}
