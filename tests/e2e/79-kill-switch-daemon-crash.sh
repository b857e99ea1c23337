#!/bin/bash
# A crash does not undo the kill switch.  An ordinary user (nobody) floods UDP
# toward an address beyond the café's router the whole time, and an nft counter in the
# router counts what reaches it: 0 through each of these.
#   a. `sshdial up` of a route-all peer under the daemon, a blackhole (the link dies and
#      redials, blocked), `kill -9` of the daemon and a new start: the restarted daemon
#      takes the kill switch over and dials the peer again (it was up); status says it is
#      blocked meanwhile; the rules are never deleted (ip monitor: the gap between the old
#      block and the new one, none expected), and the link comes back once the path does.
#   b. `kill -9` of a `sshdial call` of the same peer, then the daemon starts: it holds the
#      dead call's kill switch, status "blocked: the daemon restarted; 'sshdial up ...' or
#      'sshdial unlock ...'"; `up` replaces it and brings the link up (unlock of a held peer:
#      7a).
#   c. `kill -9` of the daemon with the peer up, and a process of local-user's that is not
#      sshdial's when it starts again: route-all refuses the account, and the kill switch
#      taken over stays in force, the peer held ("the link failed before it was up"); it is
#      dialed once more 3 s later (refused again), and `up` brings the link up once the
#      account is free.
E2E_TOPOLOGY=routed
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/topo4.sh
. tests/e2e/daemon.sh
topo4_setup

. tests/e2e/flood.sh
flood_setup
flood_varlib

topo4_state >"$E2E_DIR/state-before"

# Without sshdial the flood reaches the router: the counter can see it.
flood_start
flood_wait_some 120 || fail "the router's counter saw nothing of the flood without sshdial"
flood_stop
note "without sshdial: $(flood_packets) datagrams of the flood reached the router"

peer_file e2e-ks "route-all yes" "transport pty"
blocked() { field e2e-ks blocked; }

# --- a. the daemon crashes with the peer up ------------------------------------------------
daemon_start
out=$(ctl up --timeout 600 e2e-ks) || fail "sshdial up e2e-ks failed: $out"
ip netns exec "$E2E_CLI" ip -ts monitor rule >"$E2E_DIR/rule-monitor.txt" 2>&1 &
MON_PID=$!
topo4_reset_counters
flood_start
e2e_blackhole_on
wait_for 150 sh -c "[ \"\$(ip netns exec '$E2E_CLI' '$SSHDIAL' status --json | jq -r '.[0].state')\" != up ]" ||
	fail "the link stayed up through the blackhole"
assert_match "$(blocked)" "traffic held" "status while the link is down (before the crash)"
note "before the crash: $(flood_packets) datagrams of the flood at the router"

daemon_kill9
[ -n "$(in_cli ip rule show | grep 'proto 83')" ] || fail "no rule of sshdial's after kill -9 of the daemon"
daemon_start
sleep 5 # the flood goes on while the new daemon starts and redials into the blackhole
during=$(flood_packets)
note "a: blackhole, kill -9 of the daemon, restart: $during datagrams of the flood at the router"
assert_eq "$during" 0 "datagrams of the flood at the router through the crash and restart"
wait_for 60 grep -q 'e2e-ks: was up when the daemon ended: dialing it again' "$DAEMON_LOG" ||
	fail "the restarted daemon did not dial e2e-ks again"
grep -qE 'e2e-ks: taking over [0-9]+ changes? left in .* by an earlier run' "$DAEMON_LOG" ||
	fail "the restarted daemon did not take the kill switch over"
st=$(field e2e-ks state)
assert_match "$st" '^(dialing|backoff|queued)$' "state after the restart, the path still blackholed"
assert_match "$(blocked)" "traffic held" "status after the restart"
ctl status e2e-ks | sed 's/^/    /'

e2e_blackhole_off
daemon_wait_state e2e-ks up 400
ping_through "$E2E_TUN_SERVER" 120
assert_eq "$(blocked)" null "status once up again"
grep -q 'e2e-ks: the kill switch taken over is replaced' "$DAEMON_LOG" ||
	fail "no line saying the kill switch taken over was replaced"
assert_eq "$(flood_packets)" 0 "datagrams of the flood at the router, once up again"
kill "$MON_PID" 2>/dev/null
wait "$MON_PID" 2>/dev/null
# The gap: the old block's rules deleted before the new ones were added, from the restart on.
deleted=$(grep -c 'Deleted.*proto 83' "$E2E_DIR/rule-monitor.txt")
note "a: sshdial's rules deleted by the restart: $deleted (the gap between the old block and the new one: none)"
if [ "$deleted" -gt 0 ]; then
	gap=$(awk '/Deleted.*8340:.*proto 83/ && !d { d = $1 " " $2 } /^[^D]*8340:.*proto 83/ && d && !a { a = $1 " " $2 } END { print d " / " a }' "$E2E_DIR/rule-monitor.txt")
	fail "the restart deleted $deleted of sshdial's rules (delete / add of the last rule: $gap)"
fi
assert_eq "$(ctl down e2e-ks >/dev/null 2>&1; echo $?)" 0 "down after the restart"
flood_stop

# --- b. a call crashes; the daemon starts and holds its kill switch --------------------------
daemon_stop
assert_eq "$DAEMON_RC" 0 "the daemon's exit status"
call_start e2e-ks
call_wait_up 400
topo4_reset_counters
flood_start
kill -KILL "$CALL_PID"
wait "$CALL_PID" 2>/dev/null
for c in pppd ssh; do cli_pids "$c" | xargs -r kill -KILL 2>/dev/null; done
wait_for 90 sh -c "[ -z \"\$(ip -n '$E2E_CLI' -o link show type ppp)\" ]" || fail "the ppp device stays"
daemon_start
daemon_wait_state e2e-ks blocked 300
assert_eq "$(blocked)" "the daemon restarted; 'sshdial up e2e-ks' or 'sshdial unlock e2e-ks'" \
	"status of the dead call's peer"
assert_match "$(ctl status e2e-ks)" "blocked: the daemon restarted; 'sshdial up e2e-ks' or 'sshdial unlock e2e-ks'" \
	"status text"
sleep 3
assert_eq "$(flood_packets)" 0 "datagrams of the flood at the router, held by the daemon"
out=$(ctl up --timeout 600 e2e-ks) || fail "sshdial up e2e-ks (held) failed: $out"
ping_through "$E2E_TUN_SERVER" 120
[ "$(grep -c 'e2e-ks: the kill switch taken over is replaced' "$DAEMON_LOG")" -ge 2 ] ||
	fail "up did not replace the kill switch it held"
b=$(flood_packets)
note "b: kill -9 of the call, daemon start, held, up: $b datagrams of the flood at the router"
assert_eq "$b" 0 "datagrams of the flood at the router through the dead call and the daemon's hold"

ctl down e2e-ks >/dev/null || fail "down failed"

# --- c. the restarted daemon's dial fails before its own kill switch is in -----------------
# A process of local-user's that is not sshdial's makes route-all refuse the account: the
# kill switch taken over stays in force, the peer held, until the account is free and up.
out=$(ctl up --timeout 600 e2e-ks) || fail "sshdial up e2e-ks (c) failed: $out"
topo4_reset_counters
daemon_kill9
in_cli setpriv --reuid="$E2E_LOCAL_USER" --regid="$E2E_LOCAL_USER" --clear-groups sleep 600 &
FOREIGN_PID=$!
daemon_start
wait_for 120 grep -q "e2e-ks: route-all: local-user '$E2E_LOCAL_USER' .* runs 1 process" "$DAEMON_LOG" ||
	fail "the restarted daemon did not refuse $E2E_LOCAL_USER, which runs a process of its own"
sleep 3 # the flood goes on after the refusal
c=$(flood_packets)
note "c: kill -9 of the daemon, its dial refused at the restart: $c datagrams of the flood at the router"
assert_eq "$c" 0 "datagrams of the flood at the router after the restart's dial was refused"
# It is dialed once more 3 s later (refused again: the process still runs), then held.
wait_for 60 sh -c "[ \"\$(grep -c \"e2e-ks: route-all: local-user '$E2E_LOCAL_USER' .* runs 1 process\" '$DAEMON_LOG')\" -ge 2 ]" ||
	fail "the held peer was not dialed once more"
grep -q 'e2e-ks: dialing it again in 3 s, once' "$DAEMON_LOG" || fail "no line saying it is dialed once more"
daemon_wait_state e2e-ks blocked 60
assert_match "$(blocked)" "the link failed before it was up" "status of the peer whose dial was refused"
assert_match "$(field e2e-ks last_failure)" "local-user '$E2E_LOCAL_USER' .* runs 1 process" \
	"the refusal in last_failure"
[ -n "$(in_cli ip rule show | grep 'proto 83')" ] || fail "no rule of sshdial's while the peer is held"
pkill -u "$E2E_LOCAL_USER" -x sleep
wait "$FOREIGN_PID" 2>/dev/null
wait_for 30 sh -c "! pgrep -u '$E2E_LOCAL_USER' >/dev/null" || fail "$E2E_LOCAL_USER's sleep did not end"
out=$(ctl up --timeout 600 e2e-ks) || fail "sshdial up e2e-ks (held after the refusal) failed: $out"
ping_through "$E2E_TUN_SERVER" 120
assert_eq "$(flood_packets)" 0 "datagrams of the flood at the router once up again (c)"
ctl down e2e-ks >/dev/null || fail "down failed (c)"
flood_stop
daemon_stop
topo4_state >"$E2E_DIR/state-after"
cmp -s "$E2E_DIR/state-before" "$E2E_DIR/state-after" ||
	fail "rules or routes differ at the end: $(diff "$E2E_DIR/state-before" "$E2E_DIR/state-after")"
assert_nothing_left e2e-ks
[ ! -e /run/sshdial/e2e-ks.up ] || fail "/run/sshdial/e2e-ks.up is left over"
