#!/bin/bash
# The leak test.  With route-all and the kill switch, the router blackholes
# the path; while sshdial finds the link dead and redials, the client sends ping, UDP,
# TCP, a DNS query to the café's resolver and an IPv6 ping: the router's counters count no
# packet from the client but ssh's, and the same after the link is back.  status says the
# traffic is held; `sshdial unlock` lets it out.  Then the same outage with
# 'kill-switch no': the traffic does go out, so the test can fail.
E2E_TOPOLOGY=routed
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/topo4.sh
topo4_setup

topo4_state >"$E2E_DIR/state-before"

# Without sshdial, the same traffic reaches the router: the counters see it.
topo4_reset_counters
topo4_send_all
plain=$(topo4_leaks)
note "without sshdial: $plain packets from the client reach the café's router"
[ "$plain" -gt 0 ] || fail "the router's counter saw nothing of the client's traffic"

peer_file e2e-leak "route-all yes"
call_start e2e-leak
call_wait_up
topo4_reset_counters
topo4_send_all
assert_eq "$(topo4_leaks)" 0 "packets outside the link while up"

e2e_blackhole_on
call_wait_count 1 "$LINK_DEAD_RE" 90 || fail "no 'link dead' within 90 s of the blackhole"
call_wait_count 1 "$LINK_DOWN_RE" 30 || fail "no 'link down' after 'link dead'"
topo4_reset_counters
for _ in 1 2 3; do
	topo4_send_all
	sleep 2
done
during=$(topo4_leaks)
ssh_during=$(topo4_ssh_packets)
note "while redialing: $during packets outside the link, $ssh_during of ssh's"
assert_eq "$during" 0 "packets outside the link while redialing"

kill -USR1 "$CALL_PID"
call_wait_count 1 ': status: blocked: link down, traffic held' 10 ||
	fail "status does not say the traffic is held"
grep -q "'sshdial unlock e2e-leak' lets it out" "$CALL_LOG" || fail "status does not say how to unlock"

e2e_blackhole_off
call_wait_up_n 2 150
ping_through "$E2E_TUN_SERVER" 120
topo4_reset_counters
topo4_send_all
assert_eq "$(topo4_leaks)" 0 "packets outside the link after the link came back"

# unlock: refused while up; while down, the traffic goes out until the link is back.  Right
# after a blackhole the first links may die at once (the server's stale session): wait
# for traffic through the link first, and count 'link down' lines from here on.
ping_through "$E2E_TUN_SERVER" 120
downs=$(call_count "$LINK_DOWN_RE")
ups=$(call_count ': up after ')
out=$(in_cli "$SSHDIAL" unlock e2e-leak 2>&1)
rc=$?
if [ "$rc" = 0 ] && [ "$(call_count "$LINK_DOWN_RE")" = "$downs" ]; then
	fail "unlock while up succeeded: $out"
fi
[ "$rc" = 0 ] || assert_match "$out" "e2e-leak is up" "unlock while up"
e2e_blackhole_on
call_wait_count $((downs + 1)) "$LINK_DOWN_RE" 120 || fail "no 'link down' after the blackhole"
out=$(in_cli "$SSHDIAL" unlock e2e-leak 2>&1) || fail "unlock failed: $out"
topo4_reset_counters
topo4_send_all
unlocked=$(topo4_leaks)
note "after unlock: $unlocked packets outside the link"
[ "$unlocked" -gt 0 ] || fail "after unlock, no traffic went out"
e2e_blackhole_off
call_wait_up_n $((ups + 1)) 150
ping_through "$E2E_TUN_SERVER" 120
topo4_reset_counters
topo4_send_all
assert_eq "$(topo4_leaks)" 0 "packets outside the link once up again after unlock"
call_stop
assert_eq "$CALL_RC" 0

# kill-switch no: the same outage lets the traffic out.
peer_file e2e-open "route-all yes" "kill-switch no"
call_start e2e-open
call_wait_up
e2e_blackhole_on
call_wait_count 1 "$LINK_DOWN_RE" 120 || fail "no 'link down' after the blackhole (kill-switch no)"
topo4_reset_counters
topo4_send_all
open=$(topo4_leaks)
note "kill-switch no, while redialing: $open packets outside the link"
[ "$open" -gt 0 ] || fail "with kill-switch no, no traffic went out while the link was down"
e2e_blackhole_off
call_stop
assert_eq "$CALL_RC" 0
topo4_state >"$E2E_DIR/state-after"
cmp -s "$E2E_DIR/state-before" "$E2E_DIR/state-after" ||
	fail "rules or routes differ at the end: $(diff "$E2E_DIR/state-before" "$E2E_DIR/state-after")"
assert_nothing_left e2e-open
