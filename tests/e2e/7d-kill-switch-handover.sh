#!/bin/bash
# The kill switch is handed over, never lifted, and a held one is put back.  An
# ordinary user (nobody) floods UDP toward an address beyond the café's router; an nft counter
# in the router counts what reaches it.  A route-all peer (kill switch on) under the daemon:
#   a. `sshdial restart` with the link up, then
#   b. `sshdial reload` after a change to the peer file that keeps the kill switch:
#      the next run takes the kill switch over (as after a crash, 79): 0 datagrams at the
#      router, and no rule of sshdial's deleted (ip monitor rule) nor its nftables guard
#      table (nft monitor) from the restart on;
#   c. held (kill-switch always, after `down`): root deletes the guard table and every
#      rule of sshdial's; the daemon puts them back, and the flood stays at 0.
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

# a and b's failures are told at the end, so that one run shows c's as well.
LATE=
late_fail() {
	note "FAIL (told at the end): $*"
	LATE+="$*; "
}
late_eq() { [ "$1" = "$2" ] || late_fail "$3: expected '$2', got '$1'"; }

topo4_state >"$E2E_DIR/state-before"
peer_file e2e-ho "route-all yes" "transport pty"

daemon_start
out=$(ctl up --timeout 600 e2e-ho) || fail "sshdial up e2e-ho failed: $out"
ping_through "$E2E_TUN_SERVER" 120
guard=$(in_cli nft list tables inet | awk '$3 ~ /^sshdial_guard_/ { print $3 }')
[ -n "$guard" ] || fail "no nftables guard table while the link is up"
ip netns exec "$E2E_CLI" ip -ts monitor rule >"$E2E_DIR/rule-monitor.txt" 2>&1 &
RULE_MON=$!
ip netns exec "$E2E_CLI" nft monitor tables >"$E2E_DIR/nft-monitor.txt" 2>&1 &
NFT_MON=$!
sleep 1 # both monitors listening (they print nothing until an event)
topo4_reset_counters
flood_start

# --- a. sshdial restart ----------------------------------------------------------------------
t0=$(date +%s%N)
out=$(ctl restart --timeout 600 e2e-ho) || fail "sshdial restart e2e-ho failed: $out"
daemon_wait_state e2e-ho up 400
note "a: restarted in $((($(date +%s%N) - t0) / 1000000)) ms"
ping_through "$E2E_TUN_SERVER" 120
grep -q 'e2e-ho: dialing again: its kill switch stays in force for the next run' "$DAEMON_LOG" ||
	late_fail "the restart did not hand the kill switch over"
a=$(flood_packets)
note "a: restart: $a datagrams of the flood at the router"

# --- b. a changed peer file that keeps the kill switch ---------------------------------------
ups() { grep -c 'e2e-ho: up after' "$DAEMON_LOG"; }
_up_again() { [ "$(ups)" -gt "$1" ]; }
n=$(ups)
echo "# changed by 7d: the kill switch stays" >>"$E2E_PEERS/e2e-ho"
out=$(ctl reload) || fail "reload failed: $out"
assert_match "$out" "e2e-ho: changed, dialing again" "reload's answer"
wait_for 400 _up_again "$n" || fail "e2e-ho did not come up again after the reload"
daemon_wait_state e2e-ho up 400
[ "$(grep -c 'e2e-ho: the kill switch taken over is replaced' "$DAEMON_LOG")" -ge 2 ] ||
	late_fail "the reload's run did not take the kill switch over"
ping_through "$E2E_TUN_SERVER" 120
b=$(flood_packets)
note "a+b: restart and reload: $b datagrams of the flood at the router"

kill "$RULE_MON" "$NFT_MON" 2>/dev/null
wait "$RULE_MON" "$NFT_MON" 2>/dev/null
deleted=$(grep -c 'Deleted.*proto 83' "$E2E_DIR/rule-monitor.txt")
tables=$(grep -c "delete table inet $guard" "$E2E_DIR/nft-monitor.txt")
# The gap: from the first deletion of the last rule (8340) to the next addition of it, the
# longest of these (ip -ts: "[2026-12-07T09:10:12.123456] Deleted 8340: ...").
gap=$(awk 'function t(s, a, b) { gsub(/[][]/, "", s); split(s, a, "T"); split(a[2], b, ":"); return b[1] * 3600 + b[2] * 60 + b[3] }
	/Deleted .*8340:.*proto 83/ { if (!d) d = t($1); next }
	/ 8340:.*proto 83/ && d { g = (t($1) - d) * 1000; if (g > max) max = g; n++; d = 0 }
	END { printf "%d, the longest %.1f ms", n, max }' "$E2E_DIR/rule-monitor.txt")
note "a+b: sshdial's rules deleted: $deleted, its guard table deleted: $tables times (gaps between the old block and the new one: $gap)"
late_eq "$b" 0 "datagrams of the flood at the router through the restart and the reload"
late_eq "$deleted" 0 "sshdial's rules deleted through the restart and the reload"
late_eq "$tables" 0 "deletions of the guard table through the restart and the reload"

# --- c. a held kill switch is put back -------------------------------------------------------
n=$(ups)
peer_file e2e-ho "route-all yes" "kill-switch always" "transport pty"
out=$(ctl reload) || fail "reload failed: $out"
wait_for 400 _up_again "$n" || fail "e2e-ho did not come up again after the reload"
daemon_wait_state e2e-ho up 400
out=$(ctl down e2e-ho) || fail "down failed: $out"
assert_match "$out" "kill-switch always keeps its traffic blocked" "down's answer"
assert_eq "$(field e2e-ho state)" blocked "state after down"
rules=$(in_cli ip rule show | grep 'proto 83')
rules6=$(in_cli ip -6 rule show | grep 'proto 83')
[ -n "$rules" ] || fail "no rule of sshdial's while held"
in_cli nft list table inet "$guard" >/dev/null || fail "no guard table $guard while held"
# Each rule deleted once, in one batch per family: the daemon puts them back meanwhile, so
# deleting until none is left would never end.
del_rules() { in_cli ip "$1" rule show | awk '/proto 83/ { sub(":", "", $1); print "rule del pref " $1 }'; }
del_rules -4 >"$E2E_DIR/del4"
del_rules -6 >"$E2E_DIR/del6"
in_cli nft delete table inet "$guard" || fail "cannot delete $guard"
in_cli ip -4 -batch "$E2E_DIR/del4" || fail "cannot delete sshdial's IPv4 rules"
in_cli ip -6 -batch "$E2E_DIR/del6" || fail "cannot delete sshdial's IPv6 rules"
note "c: held: deleted the guard table and $(cat "$E2E_DIR/del4" "$E2E_DIR/del6" | wc -l) rules"
_all_back() {
	in_cli nft list table inet "$guard" >/dev/null &&
		[ "$(in_cli ip rule show | grep 'proto 83')" = "$rules" ] &&
		[ "$(in_cli ip -6 rule show | grep 'proto 83')" = "$rules6" ]
}
t0=$(date +%s%N)
wait_for 60 _all_back || fail "the held kill switch was not put back within 60 s: guard tables $(in_cli nft list tables inet | grep -c "$guard"), rules $(in_cli ip rule show | grep -c 'proto 83')${LATE:+; also: $LATE}"
note "c: the held kill switch put back within $((($(date +%s%N) - t0) / 1000000)) ms (polled)"
grep -qF "e2e-ho: nftables table inet $guard (the kill switch's guard) was deleted by someone else; put it back" "$DAEMON_LOG" ||
	fail "no line saying the guard table was put back"
in_cli nft list chain inet "$guard" output | grep -q 'policy drop' || fail "the guard's output chain has no drop policy"
topo4_reset_counters
sleep 3
c=$(flood_packets)
note "c: held, its table and rules deleted and put back: $c datagrams of the flood at the router"
assert_eq "$c" 0 "datagrams of the flood at the router, held and put back"

out=$(ctl unlock e2e-ho 2>&1) || fail "unlock failed: $out"
flood_wait_some 120 || fail "after unlock the flood did not get out"
flood_stop
daemon_stop
assert_eq "$DAEMON_RC" 0 "the daemon's exit status"
topo4_state >"$E2E_DIR/state-after"
cmp -s "$E2E_DIR/state-before" "$E2E_DIR/state-after" ||
	fail "rules or routes differ at the end: $(diff "$E2E_DIR/state-before" "$E2E_DIR/state-after")"
in_cli nft list tables inet | grep -q sshdial_guard_ && fail "a guard table is left"
assert_nothing_left e2e-ho
[ -z "$LATE" ] || fail "$LATE"
