#include "link/health.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/log.h"
#include "net/linkstats.h"

/* From linux/icmp.h, which clashes with glibc's headers: a raw ICMP socket's type filter,
 * a 32-bit mask of the ICMP types to drop. */
#ifndef ICMP_FILTER
#define ICMP_FILTER 1
#endif

struct health {
	struct event_loop *loop;
	char label[64];
	char ifname[16];
	struct sockaddr_in remote;
	bool probing;
	int icmp;
	int ifindex;
	struct linkstats *stats; /* the process's counter dumps, shared */
	uint16_t id;
	uint16_t seq;
	uint64_t rx_packets;
	bool have_rx;
	unsigned interval_ms;
	unsigned timeout_ms;
	unsigned sent_since_answer;
	struct timespec sent_at; /* of probe seq, for the round-trip time */
	int rtt_us;              /* of the last answered probe; -1: none yet */
	health_dead_fn fn;
	void *arg;
};

static void on_dead(void *arg);

static void saw_life(struct health *h)
{
	h->sent_since_answer = 0;
	event_timer_set(h->loop, h->timeout_ms, on_dead, h);
}

static void on_dead(void *arg)
{
	struct health *h = arg;
	char why[200];
	event_timer_cancel_all(h->loop, h);
	if (h->probing)
		snprintf(why, sizeof(why),
		         "no answer to %u probes of %s and no packet received on %s for %.1f s",
		         h->sent_since_answer, inet_ntoa(h->remote.sin_addr), h->ifname,
		         h->timeout_ms / 1000.0);
	else
		snprintf(why, sizeof(why), "no packet received on %s for %.1f s", h->ifname,
		         h->timeout_ms / 1000.0);
	h->fn(h->arg, why);
}

/* The receive counter moves with any traffic from the peer: a busy link whose probe
 * answers queue behind bulk data is still alive.  The probes of every link tick in the
 * same turn (aligned timers), and the first one's dump serves them all. */
static void check_counter(struct health *h)
{
	uint64_t rx;
	struct timespec now;
	event_now(h->loop, &now);
	uint64_t now_ms = (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
	if (linkstats_rx_packets(h->stats, h->ifindex, now_ms, h->interval_ms / 2, &rx) < 0)
		return;
	if (h->have_rx && rx != h->rx_packets)
		saw_life(h);
	h->rx_packets = rx;
	h->have_rx = true;
}

static void send_probe(struct health *h)
{
	struct icmphdr req = {.type = ICMP_ECHO};
	req.un.echo.id = htons(h->id);
	req.un.echo.sequence = htons(++h->seq);
	/* The checksum of an 8-byte header with no payload. */
	uint32_t sum = 0;
	const uint16_t *w = (const uint16_t *)&req;
	for (size_t i = 0; i < sizeof(req) / 2; i++)
		sum += w[i];
	sum = (sum >> 16) + (sum & 0xffff);
	sum += sum >> 16;
	req.checksum = (uint16_t)~sum;
	if (sendto(h->icmp, &req, sizeof(req), MSG_DONTWAIT, (struct sockaddr *)&h->remote,
	           sizeof(h->remote)) < 0)
		log_debug("%s: probe through %s: %s", h->label, h->ifname, strerror(errno));
	event_now(h->loop, &h->sent_at); /* this turn's time: no clock read per probe */
	h->sent_since_answer++;
}

static void on_tick(void *arg)
{
	struct health *h = arg;
	check_counter(h);
	if (h->probing)
		send_probe(h);
	event_timer_set_aligned(h->loop, h->interval_ms, on_tick, h);
}

static void on_icmp(void *arg, int fd, uint32_t events)
{
	(void)events;
	struct health *h = arg;
	unsigned char buf[256];
	/* One datagram per readiness: the loop's epoll is level-triggered and reports the
	 * socket again while more is queued, so no read ends in EAGAIN. */
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n > 0) {
		const struct iphdr *ip = (const struct iphdr *)buf;
		size_t hl = (size_t)ip->ihl * 4;
		if ((size_t)n < hl + sizeof(struct icmphdr) ||
		    ip->saddr != h->remote.sin_addr.s_addr)
			return;
		const struct icmphdr *icmp = (const struct icmphdr *)(buf + hl);
		if (icmp->type != ICMP_ECHOREPLY || ntohs(icmp->un.echo.id) != h->id)
			return;
		if (ntohs(icmp->un.echo.sequence) == h->seq) {
			struct timespec now;
			event_now(h->loop, &now); /* when the answer's turn began */
			h->rtt_us = (int)((now.tv_sec - h->sent_at.tv_sec) * 1000000 +
			                  (now.tv_nsec - h->sent_at.tv_nsec) / 1000);
		}
		saw_life(h);
	}
}

static int open_probe_socket(struct health *h)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMP);
	/* Only echo replies, and only those that came in through this link. */
	uint32_t filter = ~(1U << ICMP_ECHOREPLY);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, h->ifname, (socklen_t)strlen(h->ifname)) <
	        0 ||
	    setsockopt(fd, SOL_RAW, ICMP_FILTER, &filter, sizeof(filter)) < 0) {
		err_log_errno(errno, "%s: cannot open the health probe on %s", h->label, h->ifname);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	h->icmp = fd;
	return event_fd_add(h->loop, fd, EPOLLIN, on_icmp, h);
}

struct health *health_start(struct event_loop *loop, const char *label, const char *ifname,
                            const char *remote, unsigned interval_ms, unsigned timeout_ms,
                            health_dead_fn fn, void *arg)
{
	struct health *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	*h = (struct health){.loop = loop,
	                     .icmp = -1,
	                     .interval_ms = interval_ms,
	                     .timeout_ms = timeout_ms,
	                     .fn = fn,
	                     .arg = arg};
	snprintf(h->label, sizeof(h->label), "%s", label);
	snprintf(h->ifname, sizeof(h->ifname), "%s", ifname);
	h->remote.sin_family = AF_INET;
	h->probing = inet_pton(AF_INET, remote, &h->remote.sin_addr) == 1;
	h->id = (uint16_t)(getpid() ^ (uintptr_t)h);
	h->rtt_us = -1;
	h->ifindex = (int)if_nametoindex(ifname);
	if (h->ifindex == 0)
		err_log_errno(errno, "%s: cannot find interface %s for its counters", label,
		              ifname);
	h->stats = linkstats_open(label);
	if (h->ifindex == 0 || !h->stats) {
		health_stop(h);
		return NULL;
	}
	if (h->probing && open_probe_socket(h) < 0) {
		health_stop(h);
		return NULL;
	}
	saw_life(h); /* the link just came up */
	on_tick(h);
	return h;
}

void health_stop(struct health *h)
{
	if (!h)
		return;
	event_timer_cancel_all(h->loop, h);
	if (h->icmp >= 0) {
		event_fd_del(h->loop, h->icmp);
		close(h->icmp);
	}
	linkstats_close(h->stats);
	free(h);
}

int health_rtt_us(const struct health *h)
{
	return h ? h->rtt_us : -1;
}
