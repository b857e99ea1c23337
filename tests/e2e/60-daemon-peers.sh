#!/bin/bash
# The daemon: three peers under one `sshdial daemon`, two of them on one sshd
# and one on a second sshd. READY=1 reaches a notify socket once the autostart links are
# dialing, and WATCHDOG=1 with WATCHDOG_USEC set; `status --json` is read with jq field by field; `down` of one leaves the
# others' routes and processes untouched; after `kill -9` of the daemon nothing of its
# links survives, and the next start brings the autostart links back with the same routes,
# one at a time under --max-dialing 1 (the other reads queued meanwhile).
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/daemon.sh

serve_setup "key a" "address 192.168.77.10" "key b" "address 192.168.77.11" \
	"key c" "address 192.168.77.12"
lines=()
for k in a b c; do
	serve_key "$k"
	eval "key_$k=\$SERVE_KEY"
	lines+=("$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name "$k")")
done
serve_authorize "${lines[@]}"
second_sshd
# shellcheck disable=SC2154
{
	serve_peer a "$key_a" "autostart yes" "route 10.99.1.0/24"
	serve_peer b "$key_b" "autostart yes" "route 10.99.2.0/24"
	serve_peer c "$key_c" "route 10.99.3.0/24"
	sed -i "s/^host .*/host $SECOND_SERVER_IP/" "$E2E_PEERS/c"
}

notify_listen "$E2E_DIR/notify.txt"
t0=$(now)
DAEMON_WATCHDOG_USEC=2000000 daemon_start
wait_for 60 grep -qx 'READY=1' "$E2E_DIR/notify.txt" || fail "no READY=1 on the notify socket"
note "READY=1 after $(since "$t0")s"
wait_for 90 grep -qx 'WATCHDOG=1' "$E2E_DIR/notify.txt" || fail "no WATCHDOG=1 with WATCHDOG_USEC=2000000"
grep -q '^sshdial: a: dialing ' "$DAEMON_LOG" && grep -q '^sshdial: b: dialing ' "$DAEMON_LOG" ||
	fail "READY=1 came before the autostart links were dialing"
daemon_wait_state a up
daemon_wait_state b up
note "autostart peers a and b up after $(since "$t0")s"
assert_eq "$(field c state)" idle "c (no autostart) before 'up c'"
out=$(ctl up c) || fail "sshdial up c failed ($?): $out"
assert_match "$out" '^c: up: ppp[0-9]+ 192\.168\.77\.12 peer 192\.168\.77\.1$' "up c's answer"
assert_eq "$(field c state)" up "c after 'up c'"

# status --json, field by field, once each link's probe has had a round trip.
probed() { daemon_json | jq -e 'length == 3 and all(.[]; (.rtt_ms | type == "number" and . > 0))' >/dev/null; }
wait_for 90 probed || fail "not every link has a probe's round trip within 90 s: $(daemon_json)"
json=$(daemon_json) || fail "status --json failed"
echo "$json" | jq -e 'type == "array" and length == 3' >/dev/null || fail "not an array of 3: $json"
assert_eq "$(echo "$json" | jq -r 'map(.name) | join(" ")')" "a b c" "names"
for k in a b c; do
	case $k in a) addr=192.168.77.10 ;; b) addr=192.168.77.11 ;; c) addr=192.168.77.12 ;; esac
	assert_eq "$(field $k state)" up "$k state"
	assert_match "$(field $k ifname)" '^ppp[0-9]+$' "$k ifname"
	assert_eq "$(field $k local)" "$addr" "$k local"
	assert_eq "$(field $k peer)" 192.168.77.1 "$k peer"
	assert_eq "$(field $k server)" "$(sed -n 's/^host //p' "$E2E_PEERS/$k")" "$k server in use"
	echo "$json" | jq -e --arg n $k '.[] | select(.name == $n) |
		(.uptime | type == "number" and . >= 0) and (.attempts | type == "number" and . >= 1) and
		(.rx_bytes | type == "number" and . > 0) and (.tx_bytes | type == "number" and . > 0) and
		(.rtt_ms | type == "number" and . > 0) and .last_failure == null' >/dev/null ||
		fail "$k: numbers wrong in $(echo "$json" | jq -c --arg n $k '.[] | select(.name == $n)')"
	assert_match "$(field $k path)" "^dev $E2E_IFACE " "$k path to its server"
	assert_eq "$(field $k path_dev)/$(field $k path_via)" "$E2E_IFACE/null" "$k path_dev/path_via"
	assert_route_once "10.99.$(( $(printf '%d' "'$k") - 96 )).0/24"
done
assert_eq "$(field a autostart)/$(field b autostart)/$(field c autostart)" true/true/false "autostart"
ctl status a | grep -q '^a: up, ppp[0-9]* 192\.168\.77\.10 peer 192\.168\.77\.1' || fail "status text: $(ctl status a)"
# c really runs through the second sshd.
grep -q "Accepted publickey for pppuser" "$E2E_DIR/log/sshd2.log" || fail "c did not log in to the second sshd"

# down a: its route and processes go, b's and c's stay exactly as they were.
b_pid=$(pppd_pid b) c_pid=$(pppd_pid c) a_pid=$(pppd_pid a)
[ -n "$a_pid" ] && [ -n "$b_pid" ] && [ -n "$c_pid" ] || fail "no pppd pid files: '$a_pid' '$b_pid' '$c_pid'"
a_dev=$(field a ifname)
others=$(ip -n "$E2E_CLI" route show | grep -v " dev $a_dev ")
out=$(ctl down a) || fail "sshdial down a failed ($?): $out"
assert_match "$out" '^a: down' "down a's answer"
[ -z "$(ip -n "$E2E_CLI" route show 10.99.1.0/24)" ] || fail "a's route is left after 'down a'"
kill -0 "$a_pid" 2>/dev/null && fail "a's pppd ($a_pid) still runs after 'down a' returned"
[ ! -e /run/sshdial/a.journal ] || fail "a's journal is left after 'down a'"
assert_eq "$(ip -n "$E2E_CLI" route show)" "$others" "the other links' routes"
assert_eq "$(pppd_pid b)/$(pppd_pid c)" "$b_pid/$c_pid" "b's and c's pppd"
kill -0 "$b_pid" && kill -0 "$c_pid" || fail "b's or c's pppd died with a"
assert_eq "$(field a state)" stopped "a after down"
ping_through 192.168.77.1

# kill -9: the children end with the daemon (parent-death signal), routes with their
# interfaces; the next start undoes the journals and brings a and b back.
out=$(ctl up a) || fail "sshdial up a failed ($?): $out"
first_run=$(cli_pid_set)
routes_before=$(ip -n "$E2E_CLI" route show | grep -E '^10\.99\.[12]\.' | sed -E 's/ dev ppp[0-9]+//' | sort)
daemon_kill9
note "daemon killed with SIGKILL; first run's pppd/ssh: $first_run"
wait_for 60 eval '[ -z "$(cli_pid_set)" ]' || fail "pppd or ssh survived the daemon: $(cli_pid_set)"
wait_for 90 eval '[ -z "$(ip -n "$E2E_CLI" -o link show type ppp)" ]' ||
	fail "a ppp device survived: $(ip -n "$E2E_CLI" -o link show type ppp)"
# This start with --max-dialing 1: one of a and b waits (queued) until the other is up.
t1=$(now)
log_from=$(($(wc -l <"$DAEMON_LOG") + 1))
daemon_start --max-dialing 1
daemon_wait_state a up
daemon_wait_state b up
note "a and b back $(since "$t1")s after the restart"
run2=$(tail -n +"$log_from" "$DAEMON_LOG")
first=$(echo "$run2" | sed -nE 's/^sshdial: ([ab]): dialing .*/\1/p' | head -n1)
case $first in a) second=b ;; b) second=a ;; *) fail "no dialing line for a or b: $run2" ;; esac
echo "$run2" | grep -q "^sshdial: $second: queued: 1 links are dialing already" ||
	fail "$second was not queued behind $first with --max-dialing 1: $run2"
first_up=$(echo "$run2" | grep -n "^sshdial: $first: up after " | head -n1 | cut -d: -f1)
second_dials=$(echo "$run2" | grep -n "^sshdial: $second: dialing " | head -n1 | cut -d: -f1)
[ -n "$first_up" ] && [ -n "$second_dials" ] && [ "$second_dials" -gt "$first_up" ] ||
	fail "$second dialed before $first was up, with --max-dialing 1: $run2"
assert_eq "$(ip -n "$E2E_CLI" route show | grep -E '^10\.99\.[12]\.' | sed -E 's/ dev ppp[0-9]+//' | sort)" \
	"$routes_before" "routes after the restart"
assert_route_once 10.99.1.0/24
assert_route_once 10.99.2.0/24
[ -z "$(ip -n "$E2E_CLI" route show 10.99.3.0/24)" ] || fail "c's route is back though c is not autostart"
assert_eq "$(field c state)" idle "c after the restart"
for p in $first_run; do
	kill -0 "$p" 2>/dev/null && fail "process $p of the first run is still there"
done
[ ! -e /run/sshdial/c.journal ] && [ ! -e /run/sshdial/c.sock ] && [ ! -e /run/sshdial/c.pid ] ||
	fail "c's runtime files are left over: $(ls /run/sshdial)"
assert_eq "$(cli_pids pppd | wc -l)" 2 "pppd processes after the restart"

daemon_stop
assert_eq "$DAEMON_RC" 0 "the daemon's exit status after SIGTERM"
assert_nothing_left a
assert_nothing_left b
[ ! -e /run/sshdial/control ] || fail "the control socket is left over"
