# shellcheck shell=bash
# flood.sh: an ordinary sender and a counter for the kill switch's scenarios.
# Source after topo4.sh and topo4_setup.
#
# flood_setup: a counter "flood" in the router's table (inet topo4) counting the client's
#   UDP datagrams to port FLOOD_PORT that enter rtr-cli (they count as leaks too).
# flood_start / flood_stop: nobody (uid 65534, neither root nor local-user) sends a datagram
#   toward TOPO4_PUBLIC4, beyond the router, about every millisecond, ignoring errors (a kill
#   switch answers ENETUNREACH).  FLOOD_PID.
# flood_packets: the counter's packets; flood_wait_some SECS: until it is above 0.
# flood_varlib: a private tmpfs over /var/lib/sshdial (lockdown records, kept across a
#   simulated reboot, never the machine's own).

FLOOD_PORT=9999

flood_setup() {
	ip netns exec "$E2E_RTR" nft add counter inet topo4 flood &&
		ip netns exec "$E2E_RTR" nft insert rule inet topo4 pre iifname rtr-cli udp dport \
			"$FLOOD_PORT" counter name flood || fail "cannot add the flood's counter"
}

flood_packets() { _topo4_counter flood; }

_flood_some() { [ "$(flood_packets)" -gt 0 ]; }
flood_wait_some() { wait_for "$1" _flood_some; }

flood_start() {
	ip netns exec "$E2E_CLI" setpriv --reuid=65534 --regid=65534 --clear-groups python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
while True:
    try:
        s.sendto(b"flood", (sys.argv[1], int(sys.argv[2])))
    except OSError:
        pass
    time.sleep(0.001)
' "$TOPO4_PUBLIC4" "$FLOOD_PORT" &
	FLOOD_PID=$!
}

flood_stop() {
	kill "$FLOOD_PID" 2>/dev/null
	wait "$FLOOD_PID" 2>/dev/null
	return 0
}

flood_varlib() {
	mkdir -p /var/lib/sshdial || fail "cannot create /var/lib/sshdial"
	_e2e_mount -t tmpfs -o mode=0755 e2e-varlib /var/lib/sshdial
}
