/* The 'host' lines of a peer file: one server each, "NAME [PORT]", and the order they
 * are dialed in.  Shared by the peer-file reader (config.c) and this file only. */
#ifndef SSHDIAL_CONFIG_HOST_H
#define SSHDIAL_CONFIG_HOST_H

#include "conf/config_peer.h"

/* Adds the server of one 'host' line (text: its value, as written after the keyword),
 * or says at `at` why not; usage is how to write the keyword. */
void config_host_add(struct peer *p, const struct kw_place *at, const char *text,
                     const char *usage);
/* 'host-order in-order|random'. */
void config_host_order(struct peer *p, const struct kw_place *at, const char *text,
                       const char *usage);
/* 'transport auto|pty|frames': how the PPP frames reach ssh. */
void config_transport(struct peer *p, const struct kw_place *at, const char *text,
                      const char *usage);

#endif
