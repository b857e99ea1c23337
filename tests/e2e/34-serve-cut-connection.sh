#!/bin/bash
# Server (e): when a client's connection is cut without a clean close, the server's pppd
# ends within the server's LCP echo settings (here 1 s x 3), its routes are removed and
# its pool lease is freed: the next connection gets the same address.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh

# carol has no fixed address: she leases the pool's highest free one.
serve_setup "key carol" "route 10.57.0.0/24"
serve_key carol
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name carol)"
lease=$SERVE_LEASES/192.168.77.254
serve_peer carol "$SERVE_KEY"
call_start carol
call_wait_up 90
grep -q ': up after .* 192\.168\.77\.254 peer 192\.168\.77\.1,' "$CALL_LOG" ||
	fail "carol did not lease 192.168.77.254: $(grep 'up after' "$CALL_LOG")"
dev=$(serve_ppp_of 192.168.77.254)
wait_for 60 sh -c "ip -n $E2E_SRV route show 10.57.0.0/24 | grep -q 'dev $dev'" ||
	fail "carol's route did not appear on the server"
flock -n "$lease" true && fail "the lease $lease is not held while the link is up"
grep -q 'key carol: starting pppd for 192.168.77.254 (pool address)' "$SERVE_LOG" ||
	fail "serve did not log the pool lease"

# The cut: the client's side of the wire goes silent, then every client process dies at
# once. The server sees no FIN and no RST: only its LCP echoes tell.
ip -n "$E2E_CLI" link set "$E2E_IFACE" down
# shellcheck disable=SC2046
kill -KILL $(ip netns pids "$E2E_CLI")
cut=$(now)
wait_for 60 sh -c "! ip netns pids $E2E_SRV | xargs -r ps -o comm= -p | grep -q pppd" ||
	fail "the server's pppd is still running $(since "$cut") s after the cut"
took=$(since "$cut")
note "the server's pppd ended ${took}s after the cut"
grep -q 'No response to 3 echo-requests' "$SERVE_LOG" ||
	fail "pppd did not end through its LCP echo settings"
wait_for 90 sh -c "! ip -n $E2E_SRV route show table all | grep -q '^10\.57\.'" ||
	fail "carol's route is left on the server"
[ ! -e "/run/sshdial/serve-$dev.journal" ] || fail "the journal of $dev is left over"
flock -n "$lease" true || fail "the lease $lease is still held after pppd ended"

# Back on the wire, carol dials again and gets the freed address.
wait "$CALL_PID" 2>/dev/null
ip -n "$E2E_CLI" link set "$E2E_IFACE" up
wait_for 90 _e2e_ipv6_settled
call_start carol
call_wait_up 90
grep -q ': up after .* 192\.168\.77\.254 peer 192\.168\.77\.1,' "$CALL_LOG" ||
	fail "carol's second link did not get the freed 192.168.77.254"
call_stop
assert_eq "$CALL_RC" 0
