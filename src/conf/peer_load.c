/* Finding a peer's file, checking who could have written it, and reading it whole. */
#include "conf/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/lines.h"
#include "conf/pppd_peer.h"
#include "lib/file_read.h"
#include "lib/xalloc.h"

static void peer_file_line(void *arg, const char *line, unsigned lineno)
{
	config_read_line(arg, line, lineno);
}

struct peer *config_load_fd(const char *peer_name, int fd, const char *path, struct diag *d)
{
	struct config_reader *r = config_read_init(peer_name, path, d);
	if (lines_read_fd(fd, path, d, peer_file_line, r) < 0) {
		config_read_abort(r);
		return NULL;
	}
	return config_read_finish(r);
}

struct peer *config_load_file(const char *peer_name, const char *path, struct diag *d)
{
	int fd = lines_open(path, d);
	if (fd < 0)
		return NULL;
	struct peer *p = config_load_fd(peer_name, fd, path, d);
	close(fd);
	return p;
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* True if path exists, even as a dangling link, or fails for a reason other than absence
 * (which the reader will then report): only absence moves the search on. */
static bool present(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR);
}

/* The file is opened and checked once, and that descriptor is what is parsed. */
static struct peer *load_trusted(const char *peer_name, const char *path, bool pppd,
                                 const char *pap_secrets, uid_t owner, struct diag *d)
{
	int fd = trusted_file_open(path, owner, d);
	if (fd < 0)
		return NULL;
	struct peer *p = pppd ? pppd_peer_load_fd(peer_name, fd, path, pap_secrets, d)
	                      : config_load_fd(peer_name, fd, path, d);
	close(fd);
	return p;
}

struct peer *peer_load_trusting(const char *name_or_path, const char *peers_dir,
                                const char *ppp_peers_dir, const char *pap_secrets, uid_t owner,
                                struct diag *d)
{
	if (strchr(name_or_path, '/'))
		return load_trusted(basename_of(name_or_path), name_or_path, false, NULL, owner, d);
	if (!peer_name_valid(name_or_path)) {
		diag_add(
		    d, NULL, 0,
		    "peer name '%s' is not valid: use at most 32 letters, digits, '.', '_' and "
		    "'-', not starting with '.'",
		    name_or_path);
		return NULL;
	}
	char *own = xasprintf("%s/%s", peers_dir ? peers_dir : SSHDIAL_PEERS_DIR, name_or_path);
	char *ppp =
	    xasprintf("%s/%s", ppp_peers_dir ? ppp_peers_dir : PPPD_PEERS_DIR, name_or_path);
	struct peer *p = NULL;
	if (present(own))
		p = load_trusted(name_or_path, own, false, NULL, owner, d);
	else if (present(ppp))
		p = load_trusted(name_or_path, ppp, true,
		                 pap_secrets ? pap_secrets : PPPD_PAP_SECRETS, owner, d);
	else
		diag_add(d, NULL, 0,
		         "peer '%s' not found: there is no %s and no %s; write one (see "
		         "sshdial-peer(5))",
		         name_or_path, own, ppp);
	/* Beside the others of its directory: one daemon may run them all. */
	if (p && peer_forwards_clash(p, peers_dir ? peers_dir : SSHDIAL_PEERS_DIR, d)) {
		peer_free(p);
		p = NULL;
	}
	free(own);
	free(ppp);
	return p;
}

struct peer *peer_load(const char *name_or_path, const char *peers_dir, const char *ppp_peers_dir,
                       const char *pap_secrets, struct diag *d)
{
	return peer_load_trusting(name_or_path, peers_dir, ppp_peers_dir, pap_secrets, 0, d);
}
