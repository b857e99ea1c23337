#include "frames/l2tp_link.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_pppol2tp.h>
#include <linux/if_pppox.h>
#include <linux/ppp-ioctl.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "frames/pppol2tp.h"

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
/* A tunnel ID that another local process holds (the kernel joined its tunnel) is given up
 * and another drawn, this many times in all. */
#define OWN_TRIES 8

struct l2tp_link {
	int relay;   /* the relay's UDP socket */
	int udp;     /* the kernel's UDP socket, the tunnel's carrier */
	int tunnel;  /* the tunnel's PPPoX socket (session 0) */
	int session; /* the session's PPPoX socket, pppd's */
	int counted; /* the same session, kept here for its counters after pppd has it */
	uint16_t tunnel_id, session_id;
};

static const char load_fix[] = "load the l2tp_ppp kernel module (modprobe l2tp_ppp)";
static const char filtered_fix[] =
    "the kernel has l2tp_ppp loaded, so a filter refuses AF_PPPOX sockets to this process: "
    "under systemd, add AF_PPPOX to RestrictAddressFamilies= in the unit (the units "
    "sshdial installs have it), or set 'transport pty'";
static const char load_or_filtered_fix[] =
    "load the l2tp_ppp kernel module (modprobe l2tp_ppp); if it is loaded, this process's "
    "seccomp filter refuses AF_PPPOX sockets: under systemd, add AF_PPPOX to "
    "RestrictAddressFamilies= in the unit";
static const char refused_fix[] =
    "a security policy refuses L2TP sockets to this process (under systemd: "
    "SystemCallFilter= or RestrictAddressFamilies= in the unit; an LSM): allow them, or set "
    "'transport pty'";

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

/* Whether this process runs under a seccomp filter (systemd's RestrictAddressFamilies=
 * and SystemCallFilter= are such filters). */
static bool seccomp_filtered(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return false;
	char line[256];
	bool filtered = false;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "Seccomp:", 8) == 0)
			filtered = atoi(line + 8) == 2;
	fclose(f);
	return filtered;
}

const char *l2tp_socket_fix(int errnum, bool module_loaded, bool filtered)
{
	if (errnum == EPERM || errnum == EACCES)
		return refused_fix;
	if (errnum != EAFNOSUPPORT && errnum != EPROTONOSUPPORT)
		return NULL;
	/* A filter answers as a kernel without the family does (EAFNOSUPPORT); a kernel
	 * with l2tp_ppp loaded does not. */
	if (module_loaded)
		return filtered_fix;
	return filtered ? load_or_filtered_fix : load_fix;
}

static const char *fix_for(int errnum)
{
	bool loaded =
	    access("/sys/module/l2tp_ppp", F_OK) == 0 || access("/proc/net/pppol2tp", F_OK) == 0;
	return l2tp_socket_fix(errnum, loaded, seccomp_filtered());
}

enum l2tp_owner l2tp_carrier_owner(int udp, int *errnum)
{
	int encap = 0;
	socklen_t len = sizeof(encap);
	*errnum = 0;
	if (getsockopt(udp, SOL_UDP, UDP_ENCAP, &encap, &len) < 0) {
		*errnum = errno;
		return L2TP_OWNER_UNKNOWN;
	}
	/* The kernel marks the socket whose tunnel it made; one it joined to another
	 * tunnel of the same ID stays a plain UDP socket. */
	return encap == UDP_ENCAP_L2TPINUDP ? L2TP_OWNER_US : L2TP_OWNER_OTHER;
}

/* Makes the tunnel, then its session, each with a fresh random ID while the kernel says
 * the one tried is taken.  Returns 1 when the kernel joined a tunnel of another local
 * process (the caller draws again with new sockets). */
static int make_tunnel(struct l2tp_link *l, const struct sockaddr_in *peer, const char *where,
                       struct err *e)
{
	int fd = -EEXIST;
	for (int i = 0; i < ID_TRIES && fd == -EEXIST; i++) {
		l->tunnel_id = random_id();
		fd = pppol2tp_connect(l->udp, peer, l->tunnel_id, 0);
	}
	if (fd < 0) {
		err_errno(e, -fd, where, fix_for(-fd),
		          "cannot make an L2TP tunnel for the frame transport");
		return -1;
	}
	l->tunnel = fd;
	int errnum;
	switch (l2tp_carrier_owner(l->udp, &errnum)) {
	case L2TP_OWNER_US:
		break;
	case L2TP_OWNER_OTHER:
		log_warn("%s: L2TP tunnel %u is another local process's: the kernel joined it "
		         "instead of making ours; drawing another tunnel ID",
		         where, (unsigned)l->tunnel_id);
		return 1;
	case L2TP_OWNER_UNKNOWN:
		err_errno(e, errnum, where, NULL,
		          "cannot tell whether L2TP tunnel %u is this process's (getsockopt "
		          "UDP_ENCAP)",
		          (unsigned)l->tunnel_id);
		return -1;
	}
	fd = -EEXIST;
	for (int i = 0; i < ID_TRIES && fd == -EEXIST; i++) {
		l->session_id = random_id();
		fd = pppol2tp_connect(l->udp, peer, l->tunnel_id, l->session_id);
	}
	if (fd < 0) {
		err_errno(e, -fd, where, fix_for(-fd),
		          "cannot make an L2TP session in tunnel %u for the frame transport",
		          (unsigned)l->tunnel_id);
		return -1;
	}
	l->session = fd;
	return 0;
}

static int tx_packets(int fd, uint64_t *out);

/* Whatever another local process sent to a socket before it was connected. */
static void drain(int fd)
{
	char b[1];
	/* (A pending ICMP error is reported once, before the datagrams behind it.) */
	for (int i = 0; i < 4096; i++)
		if (recv(fd, b, sizeof(b), MSG_DONTWAIT | MSG_TRUNC) < 0 && errno != EINTR &&
		    errno != ECONNREFUSED)
			break;
}

/* One try: 0, -1 (e set) or 1 (the tunnel ID was another process's; l is closed). */
static int open_once(struct l2tp_link *l, const char *where, struct err *e)
{
	struct sockaddr_in relay_sa, udp_sa;
	l->relay = loopback_udp(SOCK_NONBLOCK, &relay_sa, where, e);
	if (l->relay < 0)
		return -1;
	l->udp = loopback_udp(0, &udp_sa, where, e);
	if (l->udp < 0)
		return -1;
	if (connect(l->relay, (struct sockaddr *)&udp_sa, sizeof(udp_sa)) < 0 ||
	    connect(l->udp, (struct sockaddr *)&relay_sa, sizeof(relay_sa)) < 0) {
		err_errno(e, errno, where, NULL,
		          "cannot connect the frame transport's UDP sockets on 127.0.0.1");
		return -1;
	}
	/* Connected, each socket takes datagrams from the other alone; what any local user
	 * sent between bind and connect goes. */
	drain(l->relay);
	drain(l->udp);
	int rc = make_tunnel(l, &relay_sa, where, e);
	if (rc != 0)
		return rc;
	/* The relay reads the session's counters (l2tp_link_tx_packets) after pppd has it. */
	l->counted = fcntl(l->session, F_DUPFD_CLOEXEC, 3);
	if (l->counted < 0) {
		err_errno(e, errno, where, NULL, "cannot keep the L2TP session's socket");
		return -1;
	}
	/* Without the counters, the relay could not keep another local user's frames out:
	 * no frame transport (transport auto dials the pty). */
	uint64_t tx;
	int rc2 = tx_packets(l->tunnel, &tx);
	if (rc2 == 0)
		rc2 = tx_packets(l->counted, &tx);
	if (rc2 < 0) {
		err_errno(
		    e, -rc2, where, "set 'transport pty' for this peer",
		    "this kernel does not give the L2TP tunnel's counters (PPPIOCGL2TPSTATS), "
		    "which the frame relay needs to keep other local users' frames out");
		return -1;
	}
	/* pppd inherits the session's socket; the rest stays here. */
	int flags = fcntl(l->session, F_GETFD);
	if (flags < 0 || fcntl(l->session, F_SETFD, flags & ~FD_CLOEXEC) < 0) {
		err_errno(e, errno, where, NULL, "cannot hand the L2TP session's socket to pppd");
		return -1;
	}
	return 0;
}

static void close_all(struct l2tp_link *l)
{
	/* The session before its tunnel, the tunnel before its carrier. */
	int *ends[] = {&l->session, &l->counted, &l->tunnel, &l->udp, &l->relay};
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		int fd = *ends[i];
		if (fd >= 0)
			close(fd);
		*ends[i] = -1;
	}
}

struct l2tp_link *l2tp_link_open(const char *where, struct err *e)
{
	struct l2tp_link *l = xcalloc(1, sizeof(*l));
	l->relay = l->udp = l->tunnel = l->session = l->counted = -1;
	for (int i = 0; i < OWN_TRIES; i++) {
		int rc = open_once(l, where, e);
		if (rc == 0)
			return l;
		close_all(l);
		if (rc < 0)
			goto fail;
	}
	err_set(e, where,
	        "find the local process that holds L2TP tunnels (the TUNNEL lines of "
	        "/proc/net/pppol2tp; ss -uap shows its UDP sockets) and stop it, or set "
	        "'transport pty'",
	        "another local process held each of the %d L2TP tunnel IDs drawn for the frame "
	        "transport: the kernel joined its tunnels instead of making ours",
	        OWN_TRIES);
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
	close_all(l);
	free(l);
}

/* PPPIOCGL2TPSTATS: a session's counters on its socket; on the tunnel's (session 0),
 * the tunnel's, every session's frames together. */
static int tx_packets(int fd, uint64_t *out)
{
	struct pppol2tp_ioc_stats st;
	memset(&st, 0, sizeof(st));
	if (ioctl(fd, PPPIOCGL2TPSTATS, &st) < 0)
		return -errno;
	*out = st.tx_packets;
	return 0;
}

int l2tp_link_tx_packets(const struct l2tp_link *l, bool tunnel, uint64_t *out)
{
	return tx_packets(tunnel ? l->tunnel : l->counted, out);
}

enum l2tp_tx_verdict l2tp_tx_verdict(uint64_t session_before, uint64_t tunnel,
                                     uint64_t session_after)
{
	/* The kernel counts each frame it sends in the tunnel, then in its session: every
	 * frame of ours counted in session_before is in tunnel, and every frame of ours in
	 * tunnel is in session_after (unless its count is under way on another CPU).  So
	 * the foreign frames in tunnel are at most tunnel - session_before and at least
	 * tunnel - session_after. */
	if (tunnel == session_before)
		return L2TP_TX_OURS;
	if (tunnel > session_after && session_after >= session_before)
		return L2TP_TX_FOREIGN;
	return L2TP_TX_UNSURE;
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
