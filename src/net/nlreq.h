/* The netlink request socket that netconf's changes go through, and the kernel's own answer
 * to the last request: libnl folds errno values it does not know into "Unspecific failure",
 * and drops the extended-ack text altogether. */
#ifndef SSHDIAL_NLREQ_H
#define SSHDIAL_NLREQ_H

#include <stdbool.h>
#include <stddef.h>

struct err;
struct nl_sock;
struct nlreq;

/* Connects; NULL after logging "label: cannot open a netlink socket: ...". */
struct nlreq *nlreq_open(const char *label);
void nlreq_close(struct nlreq *nl);

struct nl_sock *nlreq_sock(struct nlreq *nl);

/* Forgets the last answer; call before each request. */
void nlreq_begin(struct nlreq *nl);

/* The kernel's errno for the last request (0 if it gave none). */
int nlreq_kerr(const struct nlreq *nl);

/* "Network is down: Nexthop device is not up (libnl: Unspecific failure)": the kernel's
 * errno and extended-ack text when it gave them, and libnl's name for nlerr. */
const char *nlreq_reason(const struct nlreq *nl, int nlerr, char *buf, size_t len);

/* Sets e to "WHERE: WHAT: REASON; FIX" with nlreq_reason's text as the cause (verbatim) and
 * the kernel's errno (else libnl's code) as its code.  Returns e. */
struct err *nlreq_err(const struct nlreq *nl, int nlerr, struct err *e, const char *where,
                      const char *fix, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* True when the last request failed because what it named is not there (a delete of
 * something already gone). */
bool nlreq_gone(const struct nlreq *nl, int nlerr);

/* The index of interface name, 0 if there is none. */
unsigned nlreq_ifindex(const struct nlreq *nl, const char *name);

#endif
