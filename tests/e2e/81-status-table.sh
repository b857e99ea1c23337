#!/bin/bash
# `sshdial status` for people: under the daemon, a peer up with a forward, a
# peer whose server refuses connections (backing off), and a peer file that is refused.
#  - `up` on a terminal (script(1) gives it one) shows the states as they pass, and the
#    answer's line last; through a pipe it prints the answer alone, as before;
#  - the table has the peer up with its server, transport, interface and addresses, and
#    bytes in and out in human units, not 0; the peer backing off with its next try; the
#    forward and its state; and the refused file with its file:line error;
#  - `status PEER` exits 0 for the peer up, 4 for one known and not up, 1 for the refused
#    file (saying why) and for a name the daemon does not know;
#  - `status --json` keeps the keys of before and has the new ones.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/daemon.sh

command -v script >/dev/null || fail "no script(1) (util-linux) to give sshdial up a terminal"
in_srv ip addr add 10.99.0.1/24 dev lo
mkdir -p "$E2E_DIR/www-srv" || fail "cannot create the web root"
echo "behind-the-gateway" >"$E2E_DIR/www-srv/index.html"
ip netns exec "$E2E_SRV" busybox httpd -f -p 10.99.0.1:80 -h "$E2E_DIR/www-srv" &

serve_setup "key a" "address 192.168.77.10"
serve_key a
line=$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name a --permit-open 10.99.0.1:80) ||
	fail "authorize failed"
serve_authorize "$line"
serve_peer a "$SERVE_KEY" "route 10.99.1.0/24" "forward local 1080 10.99.0.1:80"
# z's server refuses every connection (nothing listens on port 1): it backs off.
serve_peer z "$SERVE_KEY" "autostart yes"
sed -i "s/^host .*/host $E2E_SERVER_IP 1/" "$E2E_PEERS/z" || fail "cannot edit peer z"
# broken: a keyword that does not exist.
peer_file broken "frobnicate yes"
bad_line=$(grep -n '^frobnicate' "$E2E_PEERS/broken" | cut -d: -f1)

daemon_start
wait_for 60 grep -q 'broken: refused' "$DAEMON_LOG" || fail "the daemon did not refuse broken: $(cat "$DAEMON_LOG")"

# status PEER before a is up: known, not up.
out=$(ctl status a)
assert_eq "$?" 4 "status a's exit status while a is idle"
assert_match "$out" '^a: idle' "status a while idle"
out=$(ctl status broken 2>&1)
assert_eq "$?" 1 "status broken's exit status (its file was refused)"
assert_match "$out" "broken: its file was refused: $E2E_PEERS/broken:$bad_line: " "status broken"
out=$(ctl status nosuch 2>&1)
assert_eq "$?" 1 "status nosuch's exit status"

# up on a terminal: the states as they pass, then the answer.
tty_out=$E2E_DIR/up-tty.out
# script(1) runs its command through sh -c: the path quoted (a checkout's path may hold
# a space).
in_cli script -qec "$(printf '%q' "$SSHDIAL") up --timeout 150 a" /dev/null >"$tty_out" 2>&1
rc=$?
note "sshdial up a on a terminal: exit $rc:"
tr -d '\r' <"$tty_out" | sed 's/^/    /'
assert_eq "$rc" 0 "sshdial up a on a terminal"
tr -d '\r' <"$tty_out" | grep -qE "^a: dialing $E2E_SERVER_IP, attempt 1: (authenticating|authenticated|configuring)$" ||
	fail "up on a terminal does not show dialing: $(cat -v "$tty_out")"
tr -d '\r' <"$tty_out" | tail -n1 | grep -qE '^a: up: ppp[0-9]+ 192\.168\.77\.10 peer 192\.168\.77\.1$' ||
	fail "up on a terminal does not end with the answer: $(cat -v "$tty_out")"

# Through a pipe: the answer alone, as before (restart answers as up).
out=$(ctl restart --timeout 150 a) || fail "restart a failed ($?): $out"
assert_match "$out" '^a: up: ppp[0-9]+ 192\.168\.77\.10 peer 192\.168\.77\.1$' "restart a's answer through a pipe (one line)"
daemon_wait_state a up

# Traffic both ways, and the forward up.
in_cli ping -c 3 -i 0.2 -W 5 192.168.77.1 >/dev/null || fail "no ping through a's link"
wait_for 90 eval "[ \"\$(in_cli curl -s --max-time 20 http://127.0.0.1:1080/)\" = behind-the-gateway ]" ||
	fail "forward local 1080 does not work"
wait_for 150 _daemon_state_is z backoff || fail "z does not back off: $(ctl status z)"

# The table, once z's row shows its backoff (it dials again now and then) and a's forward
# is up.
table_ready() {
	ctl status >"$E2E_DIR/table.out" 2>&1 || return 1
	grep -qE '^z +backoff +' "$E2E_DIR/table.out" &&
		grep -q '^  forward local 1080 -> 10.99.0.1:80: up$' "$E2E_DIR/table.out"
}
wait_for 150 table_ready || fail "the table never showed z backing off and a's forward up: $(cat "$E2E_DIR/table.out")"
table=$(cat "$E2E_DIR/table.out")
note "sshdial status:"
sed 's/^/    /' "$E2E_DIR/table.out"
assert_match "$(head -n1 <<<"$table")" '^PEER +STATE +SERVER +TRANSPORT +INTERFACE +UPTIME +IN +OUT +RTT +NEXT TRY$' "the table's heading"
row_a=$(grep '^a ' <<<"$table")
assert_match "$row_a" "^a +up +$E2E_SERVER_IP +(frames|pty) +ppp[0-9]+ 192\.168\.77\.10 -> 192\.168\.77\.1 +[0-9]+ (s|min [0-9]+ s) +[0-9.]+ (B|KiB|MiB) +[0-9.]+ (B|KiB|MiB) +" "a's row"
[[ $row_a =~ \ 0\ B\  ]] && fail "a's bytes are 0: $row_a"
assert_match "$(grep '^z ' <<<"$table")" "^z +backoff +$E2E_SERVER_IP +- +- +- +- +- +- +(now|in [0-9]+ s)$" "z's row"
grep -qE "^  last failure at [0-9T:Z-]+: " <<<"$table" || fail "no last failure for z in the table"
grep -q "^refused peer files (fix them, then 'sshdial reload'):$" <<<"$table" || fail "no refused section"
assert_match "$(grep '^  broken ' <<<"$table")" "^  broken  $E2E_PEERS/broken:$bad_line: " "broken's line"
# No cell runs into the next: every line of the table ends without a space.
grep -q ' $' <<<"$table" && fail "a line of the table ends with a space"

# status PEER: 0 for a (up), 4 for z (backing off).
out=$(ctl status a)
assert_eq "$?" 0 "status a's exit status while up"
assert_match "$out" '  forward local 1080 -> 10\.99\.0\.1:80: up' "status a shows its forward"
ctl status z >/dev/null
assert_eq "$?" 4 "status z's exit status while it backs off"

# JSON: the keys of before, and the new ones.
json=$(daemon_json) || fail "status --json failed"
echo "$json" | jq -e '.[] | select(.name == "a") | has("name") and has("state") and has("autostart") and has("server") and has("transport") and has("ifname") and has("local") and has("peer") and has("uptime") and has("attempts") and has("last_failure") and has("last_failure_time") and has("rx_bytes") and has("tx_bytes") and has("rtt_ms") and has("path") and has("path_dev") and has("path_via") and has("blocked")' >/dev/null ||
	fail "a key of before is missing: $json"
echo "$json" | jq -e '.[] | select(.name == "a") | .rx_bytes > 0 and .tx_bytes > 0 and .next_retry == null and .kill_switch == null and .kill_switch_always == false and .refused == null and .phase == null and .forwards == [{"forward": "forward local 1080 -> 10.99.0.1:80", "state": "up", "reason": null}]' >/dev/null ||
	fail "a's new keys: $(echo "$json" | jq -c '.[] | select(.name == "a")')"
# z may be dialing again for a moment: wait for its backoff.
z_backoff() { daemon_json | jq -e '.[] | select(.name == "z") | .state == "backoff" and (.next_retry | type == "number" and . >= 0)' >/dev/null; }
wait_for 150 z_backoff || fail "z's next_retry: $(daemon_json | jq -c '.[] | select(.name == "z")')"
echo "$json" | jq -e --arg e "$E2E_PEERS/broken:$bad_line: " '.[] | select(.name == "broken") | .state == "refused" and (.refused | startswith($e)) and .ifname == null and .forwards == []' >/dev/null ||
	fail "broken in the JSON: $(echo "$json" | jq -c '.[] | select(.name == "broken")')"

# Down: status a says not up (4).
ctl down a >/dev/null || fail "down a failed"
ctl status a >/dev/null
assert_eq "$?" 4 "status a's exit status after down"
daemon_stop
assert_eq "$DAEMON_RC" 0 "the daemon's exit status"
