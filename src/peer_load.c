/* Finding a peer's file and reading it whole. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lines.h"
#include "pppd_peer.h"
#include "xalloc.h"

static void peer_file_line(void *arg, const char *line, unsigned lineno)
{
	config_read_line(arg, line, lineno);
}

struct peer *config_load_file(const char *peer_name, const char *path, struct diag *d)
{
	struct config_reader *r = config_read_init(peer_name, path, d);
	if (lines_read(path, d, peer_file_line, r) < 0) {
		config_read_abort(r);
		return NULL;
	}
	return config_read_finish(r);
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* True if path exists, or fails for a reason other than absence (which the reader will
 * then report): only absence moves the search on. */
static bool present(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR);
}

struct peer *peer_load(const char *name_or_path, const char *peers_dir, const char *ppp_peers_dir,
                       const char *pap_secrets, struct diag *d)
{
	if (strchr(name_or_path, '/'))
		return config_load_file(basename_of(name_or_path), name_or_path, d);
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
		p = config_load_file(name_or_path, own, d);
	else if (present(ppp))
		p = pppd_peer_load(name_or_path, ppp, pap_secrets ? pap_secrets : PPPD_PAP_SECRETS,
		                   d);
	else
		diag_add(d, NULL, 0,
		         "peer '%s' not found: there is no %s and no %s; write one (see "
		         "sshdial-peer(5))",
		         name_or_path, own, ppp);
	free(own);
	free(ppp);
	return p;
}
