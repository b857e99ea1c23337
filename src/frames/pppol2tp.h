/* One connect() of the kernel's L2TP (PPPoL2TP over UDP), static inline so that the test
 * attacker (tests/attack/l2tp_attacker.c) makes its tunnels and sessions exactly as
 * frames/l2tp_link.c does, without linking sshdial's library. */
#ifndef SSHDIAL_PPPOL2TP_H
#define SSHDIAL_PPPOL2TP_H

#include <errno.h>
#include <linux/if_pppol2tp.h>
#include <linux/if_pppox.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A PPPoX socket connected to tunnel tid (session sid, 0 for the tunnel's own), carried
 * by the UDP socket udp whose peer is peer.  Returns the socket, or -errno.  The kernel
 * makes the tunnel when tid is new, and otherwise joins the tunnel of that ID, whoever's
 * it is, ignoring udp (l2tp_carrier_owner tells which). */
static inline int pppol2tp_connect(int udp, const struct sockaddr_in *peer, uint16_t tid,
                                   uint16_t sid)
{
	int fd = socket(AF_PPPOX, SOCK_DGRAM | SOCK_CLOEXEC, PX_PROTO_OL2TP);
	if (fd < 0)
		return -errno;
	struct sockaddr_pppol2tp sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_PPPOX;
	sa.sa_protocol = PX_PROTO_OL2TP;
	sa.pppol2tp.fd = udp;
	sa.pppol2tp.addr = *peer;
	/* The peer's IDs are never seen by anyone: the relay strips the header the kernel
	 * writes.  Giving ours keeps what a reader of 'ip l2tp show' sees simple. */
	sa.pppol2tp.s_tunnel = sa.pppol2tp.d_tunnel = tid;
	sa.pppol2tp.s_session = sa.pppol2tp.d_session = sid;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int saved = errno;
		close(fd);
		return -saved;
	}
	return fd;
}

#endif
