#!/bin/bash
# The frame transport against a local user: tests/attack/l2tp_attacker, run as
# nobody, does what any account may do with the kernel's L2TP.
#  (a) On the client it holds tunnel IDs (a tunnel each on a UDP socket of its own,
#      session 0 closed), and sshdial call is made to draw exactly those IDs first
#      (build/tests/draw_ids.so, an LD_PRELOAD shim over getrandom: tests only). The
#      kernel joins such a tunnel instead of failing; sshdial must notice (UDP_ENCAP),
#      warn for each held ID, draw again and bring the link up in a tunnel of its own:
#      the attacker receives no frame at all (no LCP, no PAP request).
#  A 4 MB download and pings both ways then run through the link with the relays'
#  counter check on (no false alarm under load).
#  (b) On the server it attaches a session to the running tunnel (its ID from the
#      world-readable /proc/net/pppol2tp) and sends IPv4 UDP toward a listener on the
#      client: the listener receives nothing, and the server's relay logs that another
#      local process attached to the tunnel and ends the link; the client dials again.
#  (c) The same on the client, toward a listener on the server.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/frames.sh

for f in l2tp_attacker draw_ids.so; do
	[ -e "build/tests/$f" ] || fail "build/tests/$f is missing: run make attack"
done
# Where nobody can reach them, whatever the checkout's modes.
A=$E2E_DIR/attack
install -d -m 755 "$A" && install -m 755 build/tests/l2tp_attacker build/tests/draw_ids.so "$A/" ||
	fail "cannot copy the attacker to $A"
# ip netns exec NS "${NOBODY[@]}" CMD...: CMD as nobody in network namespace NS (not in a
# function: $! of a background job is then CMD itself).
NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
# tunnel_id NS: the ID of the one L2TP tunnel with a session in NS.
tunnel_id() {
	ip netns exec "$1" cat /proc/net/pppol2tp |
		awk "/^TUNNEL 'tunl / { t = \$3; sub(/',?/, \"\", t) } /^  SESSION / { print t }" | tail -n1
}

frames_setup "transport frames"
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$alice.pub" --name alice)"

# (a) Three held IDs, drawn first; the fourth is free.
HOLD_LOG=$E2E_DIR/log/attacker-hold.log
e2e_log "$HOLD_LOG"
ip netns exec "$E2E_CLI" "${NOBODY[@]}" "$A/l2tp_attacker" hold 4101 4102 4103 >"$HOLD_LOG" 2>&1 &
hold_pid=$!
wait_for 30 grep -q '^holding 3$' "$HOLD_LOG" || fail "the attacker does not hold its tunnels: $(cat "$HOLD_LOG")"
note "nobody holds tunnels: $(tunnels "$E2E_CLI" | tr -s ' \n' ' ')"

CALL_LOG=$E2E_DIR/call-alice.log
e2e_log "$CALL_LOG"
ip netns exec "$E2E_CLI" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LD_PRELOAD="$A/draw_ids.so" \
	SSHDIAL_TEST_DRAW="4101 4102 4103 4104" \
	"$SSHDIAL" call --verbose --peers-dir "$E2E_PEERS" alice >"$CALL_LOG" 2>&1 &
CALL_PID=$!
CALL_STARTED=$(now)
_up_or_stolen() { grep -q ': up after ' "$CALL_LOG" || grep -q '^got ' "$HOLD_LOG"; }
wait_for 300 _up_or_stolen
if grep -q '^got ' "$HOLD_LOG"; then
	fail "the attacker's tunnel carried sshdial's frames: $(grep '^got ' "$HOLD_LOG" | sort | uniq -c | tr -s ' \n' ' ')"
fi
call_wait_up 10
note "up ${CALL_UP_AFTER}s after 'sshdial call' started"
for id in 4101 4102 4103; do
	grep -q "L2TP tunnel $id is another local process's" "$CALL_LOG" ||
		fail "no warning about the held tunnel $id: $(grep -i 'l2tp' "$CALL_LOG")"
done
grep "another local process's" "$CALL_LOG" | head -n1 | sed 's/^/  /'
# Drawn fourth on the first attempt; a later attempt (a slow machine's first one timed
# out) draws at random, never a held one.
tid=$(tunnel_id "$E2E_CLI")
note "the link runs in tunnel $tid (attempt $(call_attempts))"
[ "$(call_attempts)" != 1 ] || assert_eq "$tid" 4104 "the tunnel the client's link runs in"
case $tid in 4101 | 4102 | 4103) fail "the link runs in the attacker's tunnel $tid" ;; esac
ping_through "$E2E_TUN_SERVER"
kill "$hold_pid" && wait "$hold_pid" 2>/dev/null
grep '^got ' "$HOLD_LOG" && fail "the attacker's tunnels carried sshdial's frames"
wait_for 30 eval '[ "$(tunnels "$E2E_CLI" | grep -c "^TUNNEL")" = 1 ]' ||
	fail "the attacker's tunnels outlived it: $(tunnels "$E2E_CLI")"

# Load through the counter check: a download one way, pings the other.
mkdir -p "$E2E_DIR/www" && head -c 4194304 /dev/urandom >"$E2E_DIR/www/blob" || fail "cannot make the file"
ip netns exec "$E2E_SRV" busybox httpd -f -p 10.99.0.1:80 -h "$E2E_DIR/www" &
wait_for 30 in_srv bash -c 'exec 3<>/dev/tcp/10.99.0.1/80' 2>/dev/null || fail "httpd did not start"
in_srv ping -q -c 20 -i 0.2 192.168.77.10 >/dev/null &
t0=$(now)
in_cli curl -sS --max-time 150 -o "$E2E_DIR/got" http://10.99.0.1/blob || fail "the download failed"
note "4 MB through the link in $(since "$t0")s"
assert_eq "$(md5sum <"$E2E_DIR/got")" "$(md5sum <"$E2E_DIR/www/blob")" "the downloaded file"
grep -q 'another local process attached' "$CALL_LOG" "$SERVE_LOG" &&
	fail "a relay took the link's own frames for another session's: $(grep 'another local process attached' "$CALL_LOG" "$SERVE_LOG")"
assert_eq "$(call_count ': up after ')" 1 "links up so far"

# inject NS_FROM NS_TO SRC DST PORT WHAT LOG: nobody in NS_FROM attaches a session to the
# link's tunnel there and sends UDP from SRC to DST:PORT, where nobody listens in NS_TO;
# waits until LOG says another local process attached (or the listener got something).
inject() {
	local from=$1 to=$2 src=$3 dst=$4 port=$5 what=$6 log=$7 tid listen_log listen_pid
	listen_log=$E2E_DIR/log/listen-$port.log
	e2e_log "$listen_log"
	ip netns exec "$to" "${NOBODY[@]}" "$A/l2tp_attacker" listen "$port" >"$listen_log" 2>&1 &
	listen_pid=$!
	wait_for 30 grep -q '^listening$' "$listen_log" || fail "the listener did not start: $(cat "$listen_log")"
	# The listener hears a packet sent in the link.
	in_"$what" bash -c "echo probe >/dev/udp/$dst/$port" || fail "cannot send the probe"
	wait_for 30 grep -q "^received 6 bytes from $src\$" "$listen_log" ||
		fail "the listener does not hear $dst:$port through the link: $(cat "$listen_log")"
	tid=$(tunnel_id "$from")
	[ -n "$tid" ] || fail "no L2TP tunnel in $from"
	note "nobody in $from attaches a session to tunnel $tid and sends $src -> $dst:$port"
	ip netns exec "$from" "${NOBODY[@]}" "$A/l2tp_attacker" inject "$tid" "$src" "$dst" "$port" 10 ||
		fail "the attacker could not attach to tunnel $tid"
	_told_or_heard() { grep -q 'another local process attached' "$log" || grep -q '^received 16 bytes' "$listen_log"; }
	wait_for 60 _told_or_heard
	kill "$listen_pid" && wait "$listen_pid" 2>/dev/null
	if grep -q '^received 16 bytes' "$listen_log"; then
		fail "the listener in $to received the injected packets: $(grep -c '^received 16' "$listen_log") of 10"
	fi
	grep -q 'another local process attached' "$log" ||
		fail "no message in $log that another local process attached to the tunnel"
	grep 'another local process attached' "$log" | head -n1 | sed 's/^/  /'
}

# (b) On the server, toward the client.
inject "$E2E_SRV" "$E2E_CLI" "$E2E_TUN_SERVER" 192.168.77.10 7777 srv "$SERVE_LOG"
# serve logs what its relay carried once its pppd has ended, after the warning.
wait_for 60 grep -qE 'frame relay ended: .* [1-9][0-9]* not proven our session.s; 1 foreign sessions' "$SERVE_LOG" ||
	fail "the server's relay did not count the foreign session: $(grep 'frame relay ended' "$SERVE_LOG" | tail -n1)"
call_wait_up_n 2 150
note "the link is up again"

# (c) On the client, toward the server.
inject "$E2E_CLI" "$E2E_SRV" 192.168.77.10 "$E2E_TUN_SERVER" 7778 cli "$CALL_LOG"
call_wait_up_n 3 150
call_stop
assert_eq "$(tunnels "$E2E_CLI")" "" "L2TP tunnels left in the client"
