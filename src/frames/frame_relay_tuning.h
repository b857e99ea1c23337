/* The frame relay's sizes and times (frame_relay.c): CoDel's target and interval, the held
 * writes, the pipe to ssh, the queue, the batches, the session check's reads.  The ones in
 * #ifndef are build constants that bench/throughput varies (-DFRAME_RELAY_...: bench/README,
 * docs/performance.md); an installed build takes these defaults. */
#ifndef SSHDIAL_FRAME_RELAY_TUNING_H
#define SSHDIAL_FRAME_RELAY_TUNING_H

#include "frames/frame_stream.h"

/* CoDel's drop rule (frames/codel.h) on the queue toward ssh. */
#ifndef FRAME_RELAY_CODEL_TARGET_MS /* a build may set others, for bench/throughput */
#define FRAME_RELAY_CODEL_TARGET_MS 5
#endif
#ifndef FRAME_RELAY_CODEL_INTERVAL_MS
#define FRAME_RELAY_CODEL_INTERVAL_MS 100
#endif
#define CODEL_TARGET_NS (FRAME_RELAY_CODEL_TARGET_MS * 1000000ull)
#define CODEL_INTERVAL_NS (FRAME_RELAY_CODEL_INTERVAL_MS * 1000000ull)
/* A queue under one full frame is no standing queue, however long it waited. */
#define CODEL_MIN_BYTES 1600

/* Holding the queue back while it holds less than HOLD_BYTES and its oldest unwritten
 * frame has waited less than HOLD_MS, so that ssh, which reads what the pipe holds when it
 * wakes, reads and sends one full channel packet (32 KB) rather than each batch of the
 * kernel's datagrams (8 KB).  Link control and the magic are never held.  0: off. */
#ifndef FRAME_RELAY_HOLD_BYTES
#define FRAME_RELAY_HOLD_BYTES 0
#endif
#ifndef FRAME_RELAY_HOLD_MS
#define FRAME_RELAY_HOLD_MS 1
#endif

/* What may sit in the pipe to ssh: small, so that the queue is the relay's and its
 * drops count; the smallest pipe that still takes a few frames per write, or when
 * holding, a held write and a frame.  (A build may set another size, for
 * bench/throughput's comparisons.) */
#ifndef FRAME_RELAY_PIPE_BYTES
#define FRAME_RELAY_PIPE_BYTES (FRAME_RELAY_HOLD_BYTES ? 65536 : 16384)
#endif
#define OUT_PIPE_BYTES FRAME_RELAY_PIPE_BYTES
/* The relay's own queue toward the stream.  When full, the relay stops reading the
 * kernel's datagrams (the kernel's socket drops them: a queue that full is seconds). */
#define QUEUE_BYTES (512 * 1024)
#define QUEUE_FRAMES 4096
/* Reading the kernel's datagrams pauses when the queue has less room than this. */
#define UDP_PAUSE_ROOM (64 * 1024)

/* The receive buffer of the relay's UDP socket, which holds the kernel's datagrams while
 * the relay waits to be scheduled; 0 leaves the system's default.  Beyond it the kernel
 * drops them (UdpRcvbufErrors) before CoDel sees them. */
#ifndef FRAME_RELAY_UDP_RCVBUF
#define FRAME_RELAY_UDP_RCVBUF 0
#endif

/* 1: a frame's arrival is when the kernel queued its datagram on the relay's UDP socket
 * (SO_TIMESTAMPNS), so CoDel counts the wait in the socket too; 0: when the relay read
 * it.  On: ahead of 0 in both bench runs that compared them (docs/performance.md). */
#ifndef FRAME_RELAY_KERNEL_TIMESTAMPS
#define FRAME_RELAY_KERNEL_TIMESTAMPS 1
#endif

#define RECV_BATCH 32
/* A datagram: the kernel's L2TP header (at most 16 bytes) and a frame of FRAME_MAX. */
#define RECV_SLOT (FRAME_MAX + 64)
#define SEND_BATCH 64
#define IN_BUF (64 * 1024)
/* The kernel's datagrams are carried only once a read of its counters, taken after they
 * were read, shows that every frame sent in the tunnel was our session's
 * (l2tp_tx_verdict): read again up to VERIFY_READS times at once while a frame of ours is
 * counted between the reads.  Until then they wait in UNPROVEN_SLOTS slots (reading stops
 * when these are full) and the counters are read again on the next wake-up or
 * UNPROVEN_RETRY_MS later.  When the counters say that another session sent, they are
 * read again CONFIRM_MS later, CONFIRMS times, before the datagrams are dropped and the
 * link ends: a count under way on another CPU (a virtual one may stop anywhere for a
 * while) is not taken for another session's frame. */
#define VERIFY_READS 4
#define UNPROVEN_SLOTS (4 * RECV_BATCH)
#define UNPROVEN_RETRY_MS 1
#define CONFIRM_MS 20
#define CONFIRMS 3
/* 0 only in a bench build (bench/README): every batch carried unread, as before the
 * check, to measure what the check costs.  Never in an installed build. */
#ifndef FRAME_RELAY_TX_CHECK
#define FRAME_RELAY_TX_CHECK 1
#endif

/* Reads of the stream per wake-up: enough to batch, few enough to let the other
 * direction run. */
#define IN_READS_PER_TURN 4

#endif
