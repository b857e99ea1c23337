#!/bin/bash
# Server (d): the routes to networks behind a client (site-to-site) appear on the server
# with the link, through the server's root hook and libnl, and vanish when it goes down.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh

serve_setup "key alice" "address 192.168.77.10" "route 10.55.0.0/24" "route 10.56.0.0/16"
serve_key alice
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name alice)"
# The network behind the client.
in_cli ip addr add 10.55.0.1/24 dev lo
before=$(ip -n "$E2E_SRV" route show table all)

serve_peer alice "$SERVE_KEY"
call_start alice
call_wait_up 90
dev=$(serve_ppp_of 192.168.77.10)
[ -n "$dev" ] || fail "the server has no ppp device for alice"
wait_for 60 sh -c "ip -n $E2E_SRV route show 10.56.0.0/16 | grep -q 'dev $dev'" ||
	fail "the server's routes did not appear: $(ip -n "$E2E_SRV" route)"
assert_match "$(ip -n "$E2E_SRV" route show 10.55.0.0/24)" "^10\.55\.0\.0/24 dev $dev " "route 10.55.0.0/24"
assert_match "$(ip -n "$E2E_SRV" route show 10.56.0.0/16)" "^10\.56\.0\.0/16 dev $dev " "route 10.56.0.0/16"
[ -s "/run/sshdial/serve-$dev.journal" ] || fail "no journal /run/sshdial/serve-$dev.journal"
in_srv ping -c 2 -W 5 10.55.0.1 >/dev/null || fail "the server cannot reach 10.55.0.1 behind the client"
grep -q "key alice: $dev up, peer 192.168.77.10: added 2 routes" "$SERVE_LOG" ||
	fail "the hook did not log the routes"
note "routes up with the link"

call_stop
assert_eq "$CALL_RC" 0
wait_for 90 sh -c "! ip -n $E2E_SRV route show table all | grep -qE '^10\.5[56]\.'" ||
	fail "routes are left on the server: $(ip -n "$E2E_SRV" route)"
wait_for 90 sh -c "[ ! -e /run/sshdial/serve-$dev.journal ]" || fail "the journal is left over"
wait_for 90 sh -c "! ip netns pids $E2E_SRV | xargs -r ps -o comm= -p | grep -q pppd" ||
	fail "the server's pppd is still running"
assert_eq "$(ip -n "$E2E_SRV" route show table all)" "$before" "the server's routes afterwards"
note "routes gone with the link"
