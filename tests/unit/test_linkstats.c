/* The interface counters from one netlink stats dump: the parser on buffers shaped as the
 * kernel sends them, and one real dump of this machine's loopback interface. */
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net/linkstats.h"

struct builder {
	_Alignas(struct nlmsghdr) unsigned char buf[4096];
	size_t len;
};

static void put_stats(struct builder *b, uint32_t seq, int ifindex, uint64_t rx)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)(b->buf + b->len);
	size_t attr = NLMSG_ALIGN(sizeof(struct if_stats_msg));
	size_t payload = attr + RTA_SPACE(sizeof(struct rtnl_link_stats64));
	memset(nh, 0, NLMSG_SPACE(payload));
	nh->nlmsg_len = (uint32_t)NLMSG_LENGTH(payload);
	nh->nlmsg_type = RTM_NEWSTATS;
	nh->nlmsg_seq = seq;
	struct if_stats_msg *ifsm = NLMSG_DATA(nh);
	ifsm->ifindex = (uint32_t)ifindex;
	struct rtattr *rta = (struct rtattr *)((unsigned char *)ifsm + attr);
	rta->rta_type = IFLA_STATS_LINK_64;
	rta->rta_len = (unsigned short)RTA_LENGTH(sizeof(struct rtnl_link_stats64));
	struct rtnl_link_stats64 st = {.rx_packets = rx};
	memcpy(RTA_DATA(rta), &st, sizeof(st));
	b->len += NLMSG_SPACE(payload);
}

static void put_plain(struct builder *b, uint32_t seq, uint16_t type, int error)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)(b->buf + b->len);
	size_t payload = type == NLMSG_ERROR ? sizeof(struct nlmsgerr) : sizeof(int);
	memset(nh, 0, NLMSG_SPACE(payload));
	nh->nlmsg_len = (uint32_t)NLMSG_LENGTH(payload);
	nh->nlmsg_type = type;
	nh->nlmsg_seq = seq;
	if (type == NLMSG_ERROR)
		((struct nlmsgerr *)NLMSG_DATA(nh))->error = error;
	b->len += NLMSG_SPACE(payload);
}

struct seen {
	int n;
	int ifindex[8];
	uint64_t rx[8];
};

static void collect(void *arg, int ifindex, uint64_t rx)
{
	struct seen *s = arg;
	s->ifindex[s->n] = ifindex;
	s->rx[s->n++] = rx;
}

static void parses_a_dump(void **state)
{
	(void)state;
	struct builder b = {.len = 0};
	struct seen s = {0};
	const char *why = NULL;
	put_stats(&b, 7, 1, 10);
	put_stats(&b, 6, 9, 99); /* an earlier dump's rest: ignored */
	put_stats(&b, 7, 4, 12345678901ULL);
	assert_int_equal(linkstats_parse(b.buf, b.len, 7, collect, &s, &why), 0);
	put_plain(&b, 7, NLMSG_DONE, 0);
	s.n = 0;
	assert_int_equal(linkstats_parse(b.buf, b.len, 7, collect, &s, &why), 1);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ifindex[0], 1);
	assert_int_equal(s.rx[0], 10);
	assert_int_equal(s.ifindex[1], 4);
	assert_true(s.rx[1] == 12345678901ULL);
}

static void refuses_errors_and_truncation(void **state)
{
	(void)state;
	struct builder b = {.len = 0};
	struct seen s = {0};
	const char *why = NULL;
	put_plain(&b, 3, NLMSG_ERROR, -EPERM);
	assert_int_equal(linkstats_parse(b.buf, b.len, 3, collect, &s, &why), -1);
	assert_string_equal(why, strerror(EPERM));

	b.len = 0;
	put_stats(&b, 3, 2, 5);
	why = NULL;
	/* the last message cut short: its header says more than was received */
	assert_int_equal(linkstats_parse(b.buf, b.len - 8, 3, collect, &s, &why), -1);
	assert_non_null(why);
	assert_int_equal(s.n, 0);
}

static void reads_loopback_in_one_dump(void **state)
{
	(void)state;
	struct linkstats *ls = linkstats_open("test");
	assert_non_null(ls);
	int lo = (int)if_nametoindex("lo");
	assert_true(lo > 0);
	unsigned before = linkstats_dumps();
	uint64_t rx = 0;
	assert_int_equal(linkstats_rx_packets(ls, lo, 1000, 60000, &rx), 0);
	/* a second link's read within the age: served by the same dump */
	assert_int_equal(linkstats_rx_packets(ls, lo, 1000, 60000, &rx), 0);
	assert_int_equal(linkstats_dumps() - before, 1);
	/* age 0: a new dump */
	assert_int_equal(linkstats_rx_packets(ls, lo, 1000, 0, &rx), 0);
	assert_int_equal(linkstats_dumps() - before, 2);
	assert_int_equal(linkstats_rx_packets(ls, 1 << 30, 1000, 60000, &rx), -1);
	linkstats_close(ls);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_a_dump),
	    cmocka_unit_test(refuses_errors_and_truncation),
	    cmocka_unit_test(reads_loopback_in_one_dump),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
