#include "frames/ppp_queue.h"

#include <errno.h>
#include <stdio.h>

#include <netlink/errno.h>
#include <netlink/route/link.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/fq_codel.h>
#include <netlink/route/tc.h>

#include <linux/pkt_sched.h>

#include "lib/log.h"
#include "net/nlreq.h"

/* The device's length matters only under a pfifo_fast root (a kernel whose default qdisc
 * is not fq_codel): fq_codel's own limit does not follow it.  One run measured 2.4 times
 * the TCP throughput with 100 packets, the next one no difference under fq_codel
 * (bench/throughput, docs/performance.md). */
#define PPP_TXQUEUELEN 100

static int set_txqlen(struct nlreq *nl, unsigned ifindex, char *why, size_t len)
{
	struct rtnl_link *old = rtnl_link_alloc(), *change = rtnl_link_alloc();
	int err = -NLE_NOMEM;
	if (old && change) {
		rtnl_link_set_ifindex(old, (int)ifindex);
		rtnl_link_set_txqlen(change, PPP_TXQUEUELEN);
		nlreq_begin(nl);
		err = rtnl_link_change(nlreq_sock(nl), old, change, 0);
	}
	if (err < 0)
		nlreq_reason(nl, err, why, len);
	rtnl_link_put(old);
	rtnl_link_put(change);
	return err < 0 ? -1 : 0;
}

int ppp_queue_setup(const char *label, const char *ifname)
{
	char why[256] = "out of memory";
	int rc = -1;
	struct nlreq *nl = nlreq_open(label);
	if (!nl)
		return -1;
	struct rtnl_qdisc *q = rtnl_qdisc_alloc();
	unsigned ifindex = nlreq_ifindex(nl, ifname);
	const char *what = "make fq_codel its queue";
	if (!ifindex) {
		/* The link ended before its ip-up hook got here: nothing to tune, nothing wrong. */
		log_info("%s: %s is already gone; its queue is not set", label, ifname);
		rc = 0;
	} else if (set_txqlen(nl, ifindex, why, sizeof(why)) < 0) {
		what = "set its queue length";
	} else if (q) {
		rtnl_tc_set_ifindex(TC_CAST(q), (int)ifindex);
		rtnl_tc_set_parent(TC_CAST(q), TC_H_ROOT);
		int err = rtnl_tc_set_kind(TC_CAST(q), "fq_codel");
		if (err >= 0) {
			nlreq_begin(nl);
			err = rtnl_qdisc_add(nlreq_sock(nl), q, NLM_F_CREATE | NLM_F_REPLACE);
		}
		if (err >= 0)
			rc = 0;
		else
			nlreq_reason(nl, err, why, sizeof(why));
	}
	/* The kernel answers ENOENT for a qdisc kind it has no module for, ENODEV when the
	 * device went away between the lookup and the change (the link ended). */
	if (rc < 0 && nlreq_kerr(nl) == ENODEV)
		log_info("%s: %s went away while its queue was set", label, ifname);
	else if (rc < 0)
		log_warn("%s: %s: cannot %s: %s; the link works, but bulk traffic through it is "
		         "slower%s",
		         label, ifname, what, why,
		         nlreq_kerr(nl) == ENOENT ? " (load the kernel module sch_fq_codel)" : "");
	rtnl_qdisc_put(q);
	nlreq_close(nl);
	return rc;
}
