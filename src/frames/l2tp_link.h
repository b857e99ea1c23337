/* A PPP channel without a tty: one L2TPv2 tunnel with one session, made by the kernel's
 * l2tp_ppp over a UDP socket on loopback whose other end is sshdial's frame relay
 * (frames/frame_relay.h).  pppd takes the session's socket ("plugin pppol2tp.so pppol2tp
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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct l2tp_link;

/* Opens the relay's UDP socket and the kernel's (both on 127.0.0.1, connected to each
 * other, with whatever reached them before emptied), the tunnel and the session.  where
 * names the link in messages (a peer, a key).  Fails with a message that says what to do
 * when the kernel has no L2TP (EAFNOSUPPORT, EPROTONOSUPPORT: "load the l2tp_ppp module").
 * Every descriptor is close-on-exec but the session's, which the caller hands to pppd
 * (and closes in itself after the fork).
 *
 * Any local user may make L2TP tunnels, and the kernel joins a tunnel of an ID in use
 * instead of failing: the tunnel is proven ours (l2tp_carrier_owner) or everything is
 * closed, a warning logged, and another ID drawn, up to a few times before failing. */
struct l2tp_link *l2tp_link_open(const char *where, struct err *e);
/* The fix for a refused L2TP socket: errnum from socket()/connect(), whether the kernel
 * has l2tp_ppp loaded (/sys/module/l2tp_ppp), whether this process runs under a seccomp
 * filter.  A unit's RestrictAddressFamilies= answers EAFNOSUPPORT as a kernel without the
 * module does; with the module loaded, it can only be a filter.  NULL: no advice. */
const char *l2tp_socket_fix(int errnum, bool module_loaded, bool filtered);
/* For pppd: "pppol2tp FD". */
int l2tp_link_session_fd(const struct l2tp_link *l);
/* The relay's end: non-blocking, connected to the kernel's tunnel socket. */
int l2tp_link_relay_fd(const struct l2tp_link *l);
/* Closes the session's descriptor in this process (after pppd has it). */
void l2tp_link_release_session(struct l2tp_link *l);
/* Closes everything; the kernel deletes the tunnel and session with their sockets. */
void l2tp_link_close(struct l2tp_link *l);

/* Whose tunnel a UDP socket carries after pppol2tp_connect(): the kernel marks the socket
 * of a tunnel it made (UDP_ENCAP is UDP_ENCAP_L2TPINUDP); one that it joined to another
 * process's tunnel of that ID stays unmarked.  UNKNOWN: getsockopt failed (*errnum). */
enum l2tp_owner { L2TP_OWNER_US, L2TP_OWNER_OTHER, L2TP_OWNER_UNKNOWN };
enum l2tp_owner l2tp_carrier_owner(int udp, int *errnum);

/* The frames the kernel has sent in the tunnel (every session's, tunnel true) or in this
 * link's session (kept open here after pppd has it).  0 or -errno. */
int l2tp_link_tx_packets(const struct l2tp_link *l, bool tunnel, uint64_t *out);

/* Any local user may attach a session to the tunnel (its ID is in /proc/net/pppol2tp)
 * and send frames through the tunnel's socket to the relay, with a header copied from
 * ours: only the kernel's counters tell them apart.  The kernel counts a frame in the
 * tunnel, then in its session, before it delivers it over loopback, and the tunnel is new
 * (both counters started at 0).  From the session's count, the tunnel's, the session's
 * again, read in that order after the relay read a batch: OURS when no frame sent in the
 * tunnel was another session's, FOREIGN when one certainly was, UNSURE when a frame of
 * ours was sent between the reads (read again). */
enum l2tp_tx_verdict { L2TP_TX_OURS, L2TP_TX_FOREIGN, L2TP_TX_UNSURE };
enum l2tp_tx_verdict l2tp_tx_verdict(uint64_t session_before, uint64_t tunnel,
                                     uint64_t session_after);

/* The header of an L2TPv2 data message the relay gives the kernel: version 2, no length,
 * sequence or offset fields, this host's tunnel and session.  Writes L2TP_DATA_HEADER_LEN
 * bytes. */
#define L2TP_DATA_HEADER_LEN 6
void l2tp_link_header(const struct l2tp_link *l, uint8_t out[L2TP_DATA_HEADER_LEN]);
/* Where the PPP frame starts in a datagram the kernel sent (its header may carry the
 * length, sequence and offset fields); -1 for a control message or a malformed one. */
int l2tp_payload_offset(const uint8_t *dgram, size_t len);

#endif
