#!/bin/bash
# Roaming under `sshdial daemon`, as 4a does it under `call`: the client
# moves to another uplink and back, and the link is back within one ssh handshake plus
# 1 s of each new default route. Then a reload turns route-all on (the link is dialed
# again with it), and the same moves again, with no packet outside the link meanwhile (the
# kill switch).
E2E_TOPOLOGY=routed
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/daemon.sh
. tests/e2e/roam.sh
roam_setup
serve_setup "key alice" "address 192.168.77.10"
serve_key alice
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name alice)"

serve_peer roam "$SERVE_KEY" "autostart yes"
daemon_start
roam_stamp "$DAEMON_LOG"
daemon_wait_state roam up 300
note "route-all no: up after $(roam_up_after 1)s"
ping_through "$E2E_TUN_SERVER" 60
roam_check "route-all no, A -> B" roam_to_b
roam_check "route-all no, B -> A" roam_to_a
assert_eq "$(field roam state)" up "roam's state after the moves"

# reload: route-all on, the link dialed again with it
ups=$(grep -c ': up after ' "$DAEMON_LOG")
echo "route-all yes" >>"$E2E_PEERS/roam"
out=$(ctl reload 2>&1) || fail "reload failed ($?): $out"
assert_match "$out" "roam: changed, dialing again" "reload's answer"
wait_for 150 _roam_up_n $((ups + 1)) || fail "roam was not up again after the reload (see $DAEMON_LOG)"
grep -q 'roam: route-all in force through ppp' "$DAEMON_LOG" || fail "route-all is not in force after the reload"
ping_through "$E2E_TUN_SERVER" 60
ROAM_KILL_SWITCH=1
roam_check "route-all yes, A -> B" roam_to_b
roam_check "route-all yes, B -> A" roam_to_a
assert_eq "$(field roam state)" up "roam's state after the moves under route-all"
note "$(grep -cE 'warning: roam: link dead: ' "$DAEMON_LOG") 'link dead' lines"

daemon_stop
assert_eq "$DAEMON_RC" 0 "the daemon's exit status"
assert_nothing_left roam
