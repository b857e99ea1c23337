/* The reach probe against loopback: a listener answers, a port without one refuses, and
 * a listener whose queue is full drops the SYN (silence, the blackhole's sign) until a
 * place frees up, when the next connect of the period answers. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/event.h"
#include "net/reach.h"
#include "skip.h"

struct seen {
	struct event_loop *loop;
	enum reach_result r[16];
	size_t n;
	size_t stop_at; /* exit the loop after this many results */
	int free_queue; /* after the first silence: accept this listener's one queued */
	bool stop_on_answer;
	struct reach *probe;
};

static void on_result(void *arg, enum reach_result r, const struct timespec *sent)
{
	struct seen *s = arg;
	assert_non_null(sent);
	if (s->n < 16)
		s->r[s->n] = r;
	s->n++;
	if (r == REACH_SILENT && s->free_queue >= 0) {
		int c = accept(s->free_queue, NULL, NULL);
		assert_true(c >= 0);
		close(c);
		s->free_queue = -1;
	}
	if (s->n >= s->stop_at || (s->stop_on_answer && r == REACH_ANSWERED)) {
		reach_free(s->probe); /* the callback may free the probe */
		s->probe = NULL;
		event_loop_exit(s->loop, 0);
	}
}

/* A loopback listener (backlog as given) and its address. */
static int listener(int backlog, struct net_addr *a, unsigned *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	socklen_t len = sizeof(sin);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	if (backlog >= 0)
		assert_int_equal(listen(fd, backlog), 0);
	*a = (struct net_addr){.family = AF_INET, .u.v4 = sin.sin_addr};
	*port = ntohs(sin.sin_port);
	return fd;
}

static void run(struct seen *s, const struct net_addr *a, unsigned port, unsigned period_ms)
{
	s->loop = event_loop_new();
	assert_non_null(s->loop);
	s->probe = reach_start(s->loop, "test", a, port, REACH_AS_CALLER, period_ms, on_result, s);
	assert_non_null(s->probe);
	assert_int_equal(event_loop_run(s->loop), 0);
	reach_free(s->probe);
	event_loop_free(s->loop);
}

static void a_listener_answers(void **state)
{
	(void)state;
	struct net_addr a;
	unsigned port;
	int l = listener(8, &a, &port);
	struct seen s = {.stop_at = 2, .free_queue = -1};
	run(&s, &a, port, 50);
	assert_int_equal(s.r[0], REACH_ANSWERED);
	assert_int_equal(s.r[1], REACH_ANSWERED);
	close(l);
}

static void a_port_without_listener_refuses(void **state)
{
	(void)state;
	struct net_addr a;
	unsigned port;
	int l = listener(-1, &a, &port); /* bound, never listening: the kernel resets */
	struct seen s = {.stop_at = 1, .free_queue = -1};
	run(&s, &a, port, 50);
	assert_int_equal(s.r[0], REACH_REFUSED);
	close(l);
}

static void a_dropped_syn_is_silence_until_answered(void **state)
{
	(void)state;
	struct net_addr a;
	unsigned port;
	int l = listener(0, &a, &port);
	/* Fill the queue: one connection waits unaccepted, and the kernel drops new SYNs. */
	int filler = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sin = {
	    .sin_family = AF_INET, .sin_addr = a.u.v4, .sin_port = htons(port)};
	assert_int_equal(connect(filler, (struct sockaddr *)&sin, sizeof(sin)), 0);
	struct seen s = {.stop_at = 16, .free_queue = l, .stop_on_answer = true};
	run(&s, &a, port, 300);
	/* Silence while the queue was full, then, with a place free, the next connect of the
	 * period answers (a SYN retransmission could not: the probe closed it). */
	assert_int_equal(s.r[0], REACH_SILENT);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.r[1], REACH_ANSWERED);
	close(filler);
	close(l);
}

/* Made as another account (route-all: local-user's, the way ssh goes): the socket's owner,
 * which the route's uidrange and netfilter's skuid read, is that account's.  It is looked
 * at while the probe's connect waits (its SYN dropped by a listener whose queue is full):
 * a closed socket has no owner any more in /proc/net/tcp. */
struct as_uid {
	struct event_loop *loop;
	unsigned port; /* the listener's */
	uid_t owner;   /* of the probe's waiting socket; -1: none seen */
};

/* The uid column of the /proc/net/tcp line in SYN_SENT towards port. */
static uid_t syn_sent_owner(unsigned port)
{
	FILE *f = fopen("/proc/net/tcp", "re");
	assert_non_null(f);
	char line[512];
	uid_t uid = (uid_t)-1;
	while (fgets(line, sizeof(line), f)) {
		unsigned rport, st, u;
		if (sscanf(line, " %*d: %*x:%*x %*x:%x %x %*x:%*x %*x:%*x %*x %u", &rport, &st,
		           &u) == 3 &&
		    rport == port && st == 2)
			uid = u;
	}
	fclose(f);
	return uid;
}

static void on_as_uid(void *arg, enum reach_result r, const struct timespec *sent)
{
	(void)arg;
	(void)r;
	(void)sent;
}

static void look_at_owner(void *arg)
{
	struct as_uid *a = arg;
	a->owner = syn_sent_owner(a->port);
	event_loop_exit(a->loop, 0);
}

static void a_probe_made_as_an_account_is_that_accounts(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip_because("making a socket as another account needs root (setfsuid)");
	struct net_addr a;
	struct as_uid t = {.owner = (uid_t)-1};
	int l = listener(0, &a, &t.port);
	int filler = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sin = {
	    .sin_family = AF_INET, .sin_addr = a.u.v4, .sin_port = htons(t.port)};
	assert_int_equal(connect(filler, (struct sockaddr *)&sin, sizeof(sin)), 0);
	t.loop = event_loop_new();
	struct reach *probe = reach_start(t.loop, "test", &a, t.port, 65534, 5000, on_as_uid, &t);
	event_timer_set(t.loop, 300, look_at_owner, &t);
	assert_int_equal(event_loop_run(t.loop), 0);
	assert_int_equal(t.owner, 65534);
	reach_free(probe);
	event_loop_free(t.loop);
	assert_int_equal(setfsuid((uid_t)-1), 0); /* this process's own is root's again */
	close(filler);
	close(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_listener_answers),
	    cmocka_unit_test(a_port_without_listener_refuses),
	    cmocka_unit_test(a_dropped_syn_is_silence_until_answered),
	    cmocka_unit_test(a_probe_made_as_an_account_is_that_accounts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
