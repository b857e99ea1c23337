/* A PPP channel without a tty: one L2TPv2 tunnel with one session, made by the kernel's
 * l2tp_ppp over a UDP socket on loopback whose other end is sshdial's frame relay
 * (net/frame_relay.h).  pppd takes the session's socket ("plugin pppol2tp.so pppol2tp
 * FD"); the kernel then sends every PPP frame of the link as one datagram to the relay and
 * takes the relay's datagrams as frames received.  No tty, no HDLC escaping: the bytes
 * between the kernel and ssh are copied once, in whole frames.
 *
 * Made in the caller's network namespace, by any user once the l2tp_ppp module is loaded
 * (the server's serve runs unprivileged).  The tunnel and session IDs are this host's own
 * (random, unique in the namespace); they never travel: the relay strips the L2TP header
 * from what the kernel sends and writes its own on what it gives the kernel. */
#ifndef SSHDIAL_L2TP_LINK_H
#define SSHDIAL_L2TP_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct l2tp_link;

/* Opens the relay's UDP socket and the kernel's (both on 127.0.0.1, connected to each
 * other), the tunnel and the session.  where names the link in messages (a peer, a key).
 * Fails with a message that says what to do when the kernel has no L2TP (EAFNOSUPPORT,
 * EPROTONOSUPPORT: "load the l2tp_ppp module").  Every descriptor is close-on-exec but the
 * session's, which the caller hands to pppd (and closes in itself after the fork). */
struct l2tp_link *l2tp_link_open(const char *where, struct err *e);
/* For pppd: "pppol2tp FD". */
int l2tp_link_session_fd(const struct l2tp_link *l);
/* The relay's end: non-blocking, connected to the kernel's tunnel socket. */
int l2tp_link_relay_fd(const struct l2tp_link *l);
/* Closes the session's descriptor in this process (after pppd has it). */
void l2tp_link_release_session(struct l2tp_link *l);
/* Closes everything; the kernel deletes the tunnel and session with their sockets. */
void l2tp_link_close(struct l2tp_link *l);

/* The header of an L2TPv2 data message the relay gives the kernel: version 2, no length,
 * sequence or offset fields, this host's tunnel and session.  Writes L2TP_DATA_HEADER_LEN
 * bytes. */
#define L2TP_DATA_HEADER_LEN 6
void l2tp_link_header(const struct l2tp_link *l, uint8_t out[L2TP_DATA_HEADER_LEN]);
/* Where the PPP frame starts in a datagram the kernel sent (its header may carry the
 * length, sequence and offset fields); -1 for a control message or a malformed one. */
int l2tp_payload_offset(const uint8_t *dgram, size_t len);

#endif
