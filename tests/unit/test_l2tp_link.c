/* The L2TP data header: what the kernel's datagrams carry before the PPP frame (every form
 * RFC 2661 allows), and the header the relay writes, read back by the same parser.  The
 * tunnel itself needs the kernel's l2tp_ppp: without it, the message must say to load it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "skip.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frames/l2tp_link.h"

static void test_plain_data_message(void **state)
{
	(void)state;
	/* version 2, tunnel 0x1234, session 0x5678, then PPP ff 03 c0 21 */
	const uint8_t d[] = {0x00, 0x02, 0x12, 0x34, 0x56, 0x78, 0xff, 0x03, 0xc0, 0x21};
	assert_int_equal(l2tp_payload_offset(d, sizeof(d)), 6);
}

static void test_length_sequence_offset_fields(void **state)
{
	(void)state;
	/* L: the length field, which must be the datagram's */
	const uint8_t l[] = {0x40, 0x02, 0x00, 0x0a, 0x00, 0x01, 0x00, 0x02, 0xff, 0x03};
	assert_int_equal(l2tp_payload_offset(l, sizeof(l)), 8);
	uint8_t wrong[sizeof(l)];
	memcpy(wrong, l, sizeof(l));
	wrong[3] = 0x09;
	assert_int_equal(l2tp_payload_offset(wrong, sizeof(wrong)), -1);
	/* S: Ns and Nr */
	const uint8_t s[] = {0x08, 0x02, 0, 1, 0, 2, 0, 5, 0, 6, 0xff, 0x03};
	assert_int_equal(l2tp_payload_offset(s, sizeof(s)), 10);
	/* O: an offset size of 3, then 3 bytes of padding */
	const uint8_t o[] = {0x02, 0x02, 0, 1, 0, 2, 0, 3, 9, 9, 9, 0xff, 0x03};
	assert_int_equal(l2tp_payload_offset(o, sizeof(o)), 11);
	/* all three */
	const uint8_t a[] = {0x4a, 0x02, 0, 17, 0, 1, 0, 2, 0, 5, 0, 6, 0, 1, 9, 0xff, 0x03};
	assert_int_equal(l2tp_payload_offset(a, sizeof(a)), 15);
}

static void test_refused(void **state)
{
	(void)state;
	/* a control message (T) */
	const uint8_t t[] = {0xc8, 0x02, 0x00, 0x0c, 0, 1, 0, 0, 0, 0, 0, 0};
	assert_int_equal(l2tp_payload_offset(t, sizeof(t)), -1);
	/* L2TPv3 over UDP */
	const uint8_t v3[] = {0x00, 0x03, 0, 1, 0, 2, 0xff, 0x03};
	assert_int_equal(l2tp_payload_offset(v3, sizeof(v3)), -1);
	/* shorter than a header, a header with no frame */
	const uint8_t h[] = {0x00, 0x02, 0, 1, 0, 2};
	assert_int_equal(l2tp_payload_offset(h, 5), -1);
	assert_int_equal(l2tp_payload_offset(h, sizeof(h)), -1);
	assert_int_equal(l2tp_payload_offset(h, 0), -1);
	/* an offset pointing past the end, a cut offset field */
	const uint8_t o[] = {0x02, 0x02, 0, 1, 0, 2, 0, 9, 0xff, 0x03};
	assert_int_equal(l2tp_payload_offset(o, sizeof(o)), -1);
	assert_int_equal(l2tp_payload_offset(o, 7), -1);
	/* a length field longer than the datagram */
	const uint8_t l[] = {0x40, 0x02, 0xff, 0xff, 0, 1, 0, 2, 0xff, 0x03};
	assert_int_equal(l2tp_payload_offset(l, sizeof(l)), -1);
}

/* The proof that a tunnel is ours: the kernel marks the UDP socket of a tunnel it made
 * (UDP_ENCAP_L2TPINUDP); a socket whose tunnel ID the kernel joined to another process's
 * tunnel stays a plain one.  A descriptor that is no UDP socket proves nothing either. */
static void test_carrier_owner(void **state)
{
	(void)state;
	int errnum = -1;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(l2tp_carrier_owner(fd, &errnum), L2TP_OWNER_OTHER);
	assert_int_equal(errnum, 0);
	/* What the kernel sets when it makes the tunnel (an unprivileged setsockopt here). */
	int encap = UDP_ENCAP_L2TPINUDP;
	if (setsockopt(fd, SOL_UDP, UDP_ENCAP, &encap, sizeof(encap)) == 0)
		assert_int_equal(l2tp_carrier_owner(fd, &errnum), L2TP_OWNER_US);
	/* Another encapsulation is no L2TP tunnel. */
	encap = UDP_ENCAP_ESPINUDP;
	if (setsockopt(fd, SOL_UDP, UDP_ENCAP, &encap, sizeof(encap)) == 0)
		assert_int_equal(l2tp_carrier_owner(fd, &errnum), L2TP_OWNER_OTHER);
	close(fd);
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(l2tp_carrier_owner(p[0], &errnum), L2TP_OWNER_UNKNOWN);
	assert_int_equal(errnum, ENOTSOCK);
	close(p[0]);
	close(p[1]);
	assert_int_equal(l2tp_carrier_owner(p[0], &errnum), L2TP_OWNER_UNKNOWN);
	assert_int_equal(errnum, EBADF);
}

/* A refused L2TP socket: a kernel without the module, a unit's filter (which answers
 * EAFNOSUPPORT too), a policy's EPERM, each with its own advice. */
static void test_socket_fix(void **state)
{
	(void)state;
	const char *f = l2tp_socket_fix(EAFNOSUPPORT, false, false);
	assert_non_null(strstr(f, "modprobe l2tp_ppp"));
	assert_null(strstr(f, "RestrictAddressFamilies"));
	f = l2tp_socket_fix(EPROTONOSUPPORT, false, false);
	assert_non_null(strstr(f, "modprobe l2tp_ppp"));
	/* The module is loaded: only a filter answers so. */
	f = l2tp_socket_fix(EAFNOSUPPORT, true, true);
	assert_non_null(strstr(f, "RestrictAddressFamilies="));
	assert_null(strstr(f, "modprobe"));
	assert_string_equal(l2tp_socket_fix(EAFNOSUPPORT, true, false), f);
	/* Not loaded, under a filter: either. */
	f = l2tp_socket_fix(EAFNOSUPPORT, false, true);
	assert_non_null(strstr(f, "modprobe l2tp_ppp"));
	assert_non_null(strstr(f, "RestrictAddressFamilies="));
	f = l2tp_socket_fix(EPERM, false, true);
	assert_non_null(strstr(f, "SystemCallFilter="));
	assert_null(strstr(f, "modprobe"));
	assert_string_equal(l2tp_socket_fix(EACCES, true, false), f);
	assert_null(l2tp_socket_fix(ENOMEM, true, true));
}

/* The counter rule: the session's count, the tunnel's, the session's again. */
static void test_tx_verdict(void **state)
{
	(void)state;
	/* Nothing sent; all ours (the session sent meanwhile or not). */
	assert_int_equal(l2tp_tx_verdict(0, 0, 0), L2TP_TX_OURS);
	assert_int_equal(l2tp_tx_verdict(1000, 1000, 1000), L2TP_TX_OURS);
	assert_int_equal(l2tp_tx_verdict(1000, 1000, 1003), L2TP_TX_OURS);
	/* One frame more in the tunnel than the session ever sent: another session's. */
	assert_int_equal(l2tp_tx_verdict(1000, 1001, 1000), L2TP_TX_FOREIGN);
	assert_int_equal(l2tp_tx_verdict(0, 1, 0), L2TP_TX_FOREIGN);
	assert_int_equal(l2tp_tx_verdict(1000, 1005, 1002), L2TP_TX_FOREIGN);
	/* The session sent between the reads: the tunnel's surplus may be ours. */
	assert_int_equal(l2tp_tx_verdict(1000, 1001, 1001), L2TP_TX_UNSURE);
	assert_int_equal(l2tp_tx_verdict(1000, 1002, 1005), L2TP_TX_UNSURE);
	/* Counts seen out of order (a weakly ordered CPU): never taken for ours. */
	assert_int_equal(l2tp_tx_verdict(1000, 999, 1000), L2TP_TX_UNSURE);
	/* Large counts: no wrap-around in the comparison. */
	assert_int_equal(l2tp_tx_verdict(UINT64_MAX - 1, UINT64_MAX, UINT64_MAX - 1),
	                 L2TP_TX_FOREIGN);
}

/* With the kernel's L2TP: the header names this link's tunnel and session, non-zero, and
 * reads back as a plain data message; two links at once have different IDs. */
static void test_header_of_a_real_link(void **state)
{
	(void)state;
	struct err e;
	err_clear(&e);
	struct l2tp_link *a = l2tp_link_open("unit", &e);
	if (!a) {
		/* This machine's kernel has no L2TP (or no PPP at all): say so clearly. */
		assert_true(err_is_set(&e));
		assert_string_equal(e.where, "unit");
		if (e.code == EAFNOSUPPORT || e.code == EPROTONOSUPPORT) {
			assert_non_null(strstr(e.fix, "l2tp_ppp"));
			skip_because("this kernel has no L2TP (%s: %s)", e.what, e.fix);
		}
		fail_msg("l2tp_link_open: %s: %s: %s", e.where, e.what, e.cause);
	}
	struct l2tp_link *b = l2tp_link_open("unit", &e);
	assert_non_null(b);
	uint8_t ha[L2TP_DATA_HEADER_LEN + 2], hb[L2TP_DATA_HEADER_LEN];
	l2tp_link_header(a, ha);
	l2tp_link_header(b, hb);
	ha[6] = 0xff;
	ha[7] = 0x03;
	assert_int_equal(l2tp_payload_offset(ha, sizeof(ha)), L2TP_DATA_HEADER_LEN);
	assert_int_equal(ha[0], 0);
	assert_int_equal(ha[1], 2);
	assert_true(ha[2] | ha[3]);
	assert_true(ha[4] | ha[5]);
	assert_memory_not_equal(ha + 2, hb + 2, 2);
	/* A new tunnel of ours, nothing sent: both counters at 0, the session's readable
	 * after pppd's descriptor is gone too. */
	uint64_t tx = 1;
	assert_int_equal(l2tp_link_tx_packets(a, true, &tx), 0);
	assert_int_equal(tx, 0);
	assert_true(l2tp_link_session_fd(a) >= 0);
	assert_true(l2tp_link_relay_fd(a) >= 0);
	l2tp_link_release_session(a);
	assert_int_equal(l2tp_link_session_fd(a), -1);
	tx = 1;
	assert_int_equal(l2tp_link_tx_packets(a, false, &tx), 0);
	assert_int_equal(tx, 0);
	l2tp_link_close(a);
	l2tp_link_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_data_message),
	    cmocka_unit_test(test_length_sequence_offset_fields),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_carrier_owner),
	    cmocka_unit_test(test_socket_fix),
	    cmocka_unit_test(test_tx_verdict),
	    cmocka_unit_test(test_header_of_a_real_link),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
