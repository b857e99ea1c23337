#include "net/l2tp_link.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_pppol2tp.h>
#include <linux/if_pppox.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/xalloc.h"

/* The bits of an L2TP header's first octet (RFC 2661, 3.1) and its version. */
#define L2TP_T 0x80 /* control message */
#define L2TP_L 0x40 /* length field present */
#define L2TP_S 0x08 /* Ns and Nr present */
#define L2TP_O 0x02 /* offset size present */
#define L2TP_VER_MASK 0x0f
#define L2TP_VERSION 2

/* A random ID that collides with one in use is tried again; 64 collisions in a row mean
 * the namespace is full (65535 tunnels) or something else answers EEXIST. */
#define ID_TRIES 64

struct l2tp_link {
	int relay;   /* the relay's UDP socket */
	int udp;     /* the kernel's UDP socket, the tunnel's carrier */
	int tunnel;  /* the tunnel's PPPoX socket (session 0) */
	int session; /* the session's PPPoX socket, pppd's */
	uint16_t tunnel_id, session_id;
};

static const char load_fix[] = "load the l2tp_ppp kernel module (modprobe l2tp_ppp)";

static uint16_t random_id(void)
{
	uint16_t id = 0;
	while (id == 0) {
		/* Early at boot the kernel may have no entropy yet: any spread will do, a
		 * collision is tried again. */
		if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != (ssize_t)sizeof(id)) {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			id = (uint16_t)((unsigned long)ts.tv_nsec ^ (unsigned long)getpid() << 4);
		}
	}
	return id;
}

/* A UDP socket bound on 127.0.0.1, some free port; its address in *sa. */
static int loopback_udp(int flags, struct sockaddr_in *sa, const char *where, struct err *e)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | flags, 0);
	if (fd < 0) {
		err_errno(e, errno, where, NULL,
		          "cannot open a UDP socket for the frame transport");
		return -1;
	}
	socklen_t len = sizeof(*sa);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)sa, sizeof(*sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)sa, &len) < 0) {
		err_errno(e, errno, where, "bring the loopback interface up (ip link set lo up)",
		          "cannot bind a UDP socket on 127.0.0.1 for the frame transport");
		close(fd);
		return -1;
	}
	return fd;
}

/* A PPPoX socket connected to tunnel tid (session sid, 0 for the tunnel's own), carried
 * by the UDP socket udp whose peer is peer.  Returns the socket, or -errno. */
static int pppol2tp_connect(int udp, const struct sockaddr_in *peer, uint16_t tid, uint16_t sid)
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

static bool no_l2tp(int errnum)
{
	return errnum == EAFNOSUPPORT || errnum == EPROTONOSUPPORT;
}

/* Makes the tunnel, then its session, each with a fresh random ID while the kernel says
 * the one tried is taken. */
static int make_tunnel(struct l2tp_link *l, const struct sockaddr_in *peer, const char *where,
                       struct err *e)
{
	int fd = -EEXIST;
	for (int i = 0; i < ID_TRIES && fd == -EEXIST; i++) {
		l->tunnel_id = random_id();
		fd = pppol2tp_connect(l->udp, peer, l->tunnel_id, 0);
	}
	if (fd < 0) {
		err_errno(e, -fd, where, no_l2tp(-fd) ? load_fix : NULL,
		          "cannot make an L2TP tunnel for the frame transport");
		return -1;
	}
	l->tunnel = fd;
	fd = -EEXIST;
	for (int i = 0; i < ID_TRIES && fd == -EEXIST; i++) {
		l->session_id = random_id();
		fd = pppol2tp_connect(l->udp, peer, l->tunnel_id, l->session_id);
	}
	if (fd < 0) {
		err_errno(e, -fd, where, no_l2tp(-fd) ? load_fix : NULL,
		          "cannot make an L2TP session in tunnel %u for the frame transport",
		          (unsigned)l->tunnel_id);
		return -1;
	}
	l->session = fd;
	return 0;
}

struct l2tp_link *l2tp_link_open(const char *where, struct err *e)
{
	struct l2tp_link *l = xcalloc(1, sizeof(*l));
	l->relay = l->udp = l->tunnel = l->session = -1;
	struct sockaddr_in relay_sa, udp_sa;
	l->relay = loopback_udp(SOCK_NONBLOCK, &relay_sa, where, e);
	if (l->relay < 0)
		goto fail;
	l->udp = loopback_udp(0, &udp_sa, where, e);
	if (l->udp < 0)
		goto fail;
	if (connect(l->relay, (struct sockaddr *)&udp_sa, sizeof(udp_sa)) < 0 ||
	    connect(l->udp, (struct sockaddr *)&relay_sa, sizeof(relay_sa)) < 0) {
		err_errno(e, errno, where, NULL,
		          "cannot connect the frame transport's UDP sockets on 127.0.0.1");
		goto fail;
	}
	if (make_tunnel(l, &relay_sa, where, e) < 0)
		goto fail;
	/* pppd inherits the session's socket; the rest stays here. */
	int flags = fcntl(l->session, F_GETFD);
	if (flags < 0 || fcntl(l->session, F_SETFD, flags & ~FD_CLOEXEC) < 0) {
		err_errno(e, errno, where, NULL, "cannot hand the L2TP session's socket to pppd");
		goto fail;
	}
	return l;
fail:
	l2tp_link_close(l);
	return NULL;
}

int l2tp_link_session_fd(const struct l2tp_link *l)
{
	return l->session;
}

int l2tp_link_relay_fd(const struct l2tp_link *l)
{
	return l->relay;
}

void l2tp_link_release_session(struct l2tp_link *l)
{
	if (l->session >= 0)
		close(l->session);
	l->session = -1;
}

void l2tp_link_close(struct l2tp_link *l)
{
	if (!l)
		return;
	/* The session before its tunnel, the tunnel before its carrier. */
	l2tp_link_release_session(l);
	if (l->tunnel >= 0)
		close(l->tunnel);
	if (l->udp >= 0)
		close(l->udp);
	if (l->relay >= 0)
		close(l->relay);
	free(l);
}

void l2tp_link_header(const struct l2tp_link *l, uint8_t out[L2TP_DATA_HEADER_LEN])
{
	out[0] = 0;
	out[1] = L2TP_VERSION;
	out[2] = (uint8_t)(l->tunnel_id >> 8);
	out[3] = (uint8_t)(l->tunnel_id & 0xff);
	out[4] = (uint8_t)(l->session_id >> 8);
	out[5] = (uint8_t)(l->session_id & 0xff);
}

int l2tp_payload_offset(const uint8_t *dgram, size_t len)
{
	if (len < L2TP_DATA_HEADER_LEN)
		return -1;
	uint8_t flags = dgram[0];
	if ((flags & L2TP_T) || (dgram[1] & L2TP_VER_MASK) != L2TP_VERSION)
		return -1;
	size_t off = 2;
	if (flags & L2TP_L) {
		size_t total = (size_t)dgram[2] << 8 | dgram[3];
		if (total != len)
			return -1;
		off += 2;
	}
	off += 4; /* tunnel and session IDs */
	if (flags & L2TP_S)
		off += 4;
	if (flags & L2TP_O) {
		if (off + 2 > len)
			return -1;
		size_t pad = (size_t)dgram[off] << 8 | dgram[off + 1];
		off += 2 + pad;
	}
	/* An empty frame is no PPP frame. */
	if (off >= len)
		return -1;
	return (int)off;
}
