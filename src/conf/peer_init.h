/* sshdial init's work (peer_init.c): a new peer's file, key and known_hosts, written as
 * one file set and checked as `check` would, or nothing written. */
#ifndef SSHDIAL_PEER_INIT_H
#define SSHDIAL_PEER_INIT_H

#include <stdbool.h>

#include "lib/exit_status.h"
#include "lib/strv.h"

/* Where init puts a peer's key and known_hosts unless told otherwise. */
#define SSHDIAL_KEYS_DIR "/etc/sshdial/keys"

/* What init was given (sshdial(8), init). */
struct peer_init_spec {
	const char *peer, *host, *ssh_user, *local_user;
	const char *identity;    /* an existing private key, or NULL: one is made */
	const char *fingerprint; /* the host key's SHA256:..., or NULL: asked, or accept_new */
	const char *peers_dir, *keys_dir;
	unsigned port; /* 0: ssh's default, not written */
	bool route_all, accept_new, force;
	struct strv *routes;
};

/* Checks the spec, fetches and confirms the host key, writes the files, checks the peer;
 * every problem logged (stderr).  The exit status of init (sshdial(8), EXIT STATUS). */
enum exit_status peer_init(const struct peer_init_spec *spec);

#endif
