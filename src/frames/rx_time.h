/* When the kernel queued a datagram on a socket (SO_TIMESTAMPNS), on the event loop's
 * monotonic clock: the time it waited in the socket before its reader took it counts too
 * (the frame relay's CoDel).  The kernel stamps with CLOCK_REALTIME; the age at read (the
 * realtime clock then, less the stamp) is taken back from the monotonic now. */
#ifndef SSHDIAL_RX_TIME_H
#define SSHDIAL_RX_TIME_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

/* The control space one datagram's stamp needs (msg_control of each message read). */
#define RX_TIME_SPACE CMSG_SPACE(sizeof(struct timespec))

/* Asks the kernel to stamp fd's datagrams; false when it cannot (errno says why). */
bool rx_time_enable(int fd);
/* The datagram's arrival on the monotonic clock, given the realtime clock (real) and the
 * monotonic clock (now) read at the same moment after it was read.  A datagram without a
 * stamp (or with its control cut short, or stamped in the future) arrived now; none
 * arrived before 0. */
uint64_t rx_time_arrival(struct msghdr *h, const struct timespec *real, uint64_t now);

#endif
