/* The transmit queue of a link's ppp device.  The kernel gives a ppp device a
 * pfifo_fast queue of 3 packets (its txqueuelen): while ssh drains the pseudo-terminal
 * more slowly than TCP sends, that queue drops bursts, and TCP through the link backs
 * off far below what ssh could carry.  fq_codel instead queues a burst, keeps each flow's
 * packets apart (a ping is not stuck behind a bulk transfer) and drops only what has
 * waited longer than its target, so the delay stays bounded. */
#ifndef SSHDIAL_PPP_QUEUE_H
#define SSHDIAL_PPP_QUEUE_H

/* Gives ifname a transmit queue of 100 packets and makes fq_codel its root qdisc.  On
 * failure logs a warning "LABEL: IFNAME: cannot ...: REASON; ..." and returns -1: the
 * link works without it, only slower. */
int ppp_queue_setup(const char *label, const char *ifname);

#endif
