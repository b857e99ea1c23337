#!/bin/bash
# A client whose path died comes back while the server still holds its stale session
# (the server's echo settings are slow here: 30 s x 3): the same key with its fixed
# address ends the old connection and gets the link at once, instead of being refused
# until the server notices.
E2E_TOPOLOGY=routed
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh

serve_setup "key alice" "address 192.168.77.10"
sed -i 's/^lcp-echo-interval 1$/lcp-echo-interval 30/' "$SERVE_CONF"
grep -q '^lcp-echo-interval 30$' "$SERVE_CONF" || fail "cannot slow the server's echo"
serve_key alice
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name alice)"
serve_peer alice "$SERVE_KEY"
call_start alice
call_wait_up 90
# pppd in notty mode runs as two processes: count one session's worth.
per_session=$(serve_pppd_count)

# The old ssh connection's client port: after the outage, that connection alone stays
# cut, so that no late FIN from the client tells the server it is over.
old_port=$(in_cli ss -Htn state established dst "$E2E_SERVER_IP" | awk '{ split($3, a, ":"); print a[2] }' | head -n1)
[ -n "$old_port" ] || fail "cannot find the ssh connection's port"
e2e_blackhole_on
call_wait_count 1 "$LINK_DEAD_RE" 90 || fail "the client did not notice the dead path"
ip -n "$E2E_RTR" rule add pref 90 from "$E2E_CLIENT_IP" ipproto tcp sport "$old_port" blackhole &&
	ip -n "$E2E_RTR" rule add pref 91 to "$E2E_CLIENT_IP" ipproto tcp dport "$old_port" blackhole ||
	fail "cannot cut the old connection alone"
assert_eq "$(serve_pppd_count)" "$per_session" "the server's processes of the stale session"
e2e_blackhole_off
t0=$(now)
call_wait_up_n 2 150
note "back up $(since "$t0") s after the path returned"
grep -q "key alice: connected again; ending its old connection (pppd pid [0-9]*)" "$SERVE_LOG" ||
	fail "the server did not end the stale session"
wait_for 60 sh -c "[ \"\$(ip netns pids $E2E_SRV | xargs -r ps -o comm= -p | grep -c '^pppd\$')\" = $per_session ]" ||
	fail "the server runs $(serve_pppd_count) pppd processes, not one session's $per_session"
ping_through "$E2E_TUN_SERVER" || fail "no traffic through the new link"
call_stop
assert_eq "$CALL_RC" 0
