/* The peer-file reader's state, shared by the parser (config.c) and its whole-file checks
 * (config_check.c) only. */
#ifndef SSHDIAL_CONFIG_READER_H
#define SSHDIAL_CONFIG_READER_H

#include "conf/keyword.h"

enum peer_keyword {
	PK_HOST,
	PK_PORT,
	PK_HOST_ORDER,
	PK_SSH_USER,
	PK_IDENTITY,
	PK_KNOWN_HOSTS,
	PK_SSH_OPTION,
	PK_REMOTE_COMMAND,
	PK_TRANSPORT,
	PK_LOCAL_USER,
	PK_PAP_USER,
	PK_PAP_PASSWORD_FILE,
	PK_PAP_SECRETS,
	PK_ROUTE,
	PK_ROUTE_ALL,
	PK_DNS,
	PK_ALLOW_LAN,
	PK_KILL_SWITCH,
	PK_IPV6,
	PK_IPV6_PREFIX,
	PK_COMPRESSION,
	PK_PPPD_OPTION,
	PK_PTY,
	PK_LINKNAME,
	PK_REMOTENAME,
	PK_HEALTH,
	PK_HEALTH_INTERVAL,
	PK_HEALTH_TIMEOUT,
	PK_AUTOSTART,
	PK_FORWARD,
	PK_LINK,
	PK_JUMP,
	PK_UP_SCRIPT,
	PK_DOWN_SCRIPT,
	PK_COUNT
};

struct config_reader {
	struct peer *peer;
	struct diag *diag;
	size_t errors_before; /* the diag may already hold other files' messages */
	unsigned first_line[PK_COUNT];
};

/* Where line LINE of the file being read is, for messages (0: the file as a whole). */
struct kw_place config_place(const struct config_reader *r, unsigned line);
/* A file holding a secret: a regular file nobody but its owner can read or change. */
void config_check_secret_file(const struct kw_place *at, int k, const char *path);
/* What only the whole file can tell: missing, conflicting and meaningless keywords. */
void config_check_file(struct config_reader *r);

#endif
