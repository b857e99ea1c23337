#!/bin/bash
# Forwards beside a PPP link, on the same ssh connection, for a key with a link
# that is also given forwards (authorize --permit-open/--permit-listen):
#  - a web server behind the gateway (busybox httpd on the server's 10.99.0.1:80) through
#    'forward local';
#  - a service on the client (busybox httpd on 127.0.0.1:8081) reached from the server
#    through 'forward remote';
#  - a local port already taken: a clear message naming it, while the link and the other
#    forwards stay up; once the port is free, that forward is set up on its own retry;
#  - killing ssh brings the link and every forward back.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/forward.sh

in_srv ip addr add 10.99.0.1/24 dev lo
mkdir -p "$E2E_DIR/www-srv" "$E2E_DIR/www-cli" || fail "cannot create the web roots"
echo "behind-the-gateway" >"$E2E_DIR/www-srv/index.html"
echo "on-the-client" >"$E2E_DIR/www-cli/index.html"
ip netns exec "$E2E_SRV" busybox httpd -f -p 10.99.0.1:80 -h "$E2E_DIR/www-srv" &
ip netns exec "$E2E_CLI" busybox httpd -f -p 127.0.0.1:8081 -h "$E2E_DIR/www-cli" &
# Something else holds the client's port 1180.
ip netns exec "$E2E_CLI" busybox nc -l -p 1180 </dev/null >/dev/null &
squatter=$!
wait_for 90 eval "ss -N '$E2E_CLI' -Hltn | grep -qE '(0\.0\.0\.0|\*):1180 '" || fail "the squatter is not listening"

serve_setup "key web" "address 192.168.77.10"
serve_key web
line=$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name web --permit-open 10.99.0.1:80 \
	--permit-listen 8022) || fail "authorize failed"
assert_match "$line" '^restrict,port-forwarding,permitopen="10\.99\.0\.1:80",permitlisten="8022",command="[^"]* serve --key web"' "the line"
serve_authorize "$line"
serve_peer e2e-web "$SERVE_KEY" "forward local 1080 10.99.0.1:80" \
	"forward remote 8022 127.0.0.1:8081" "forward local 127.0.0.1:1180 10.99.0.1:80"

get_cli() { in_cli curl -s --max-time 20 "http://127.0.0.1:$1/"; }
get_srv() { in_srv curl -s --max-time 20 "http://127.0.0.1:$1/"; }
all_work() {
	assert_eq "$(get_cli 1080)" "behind-the-gateway" "the web server behind the gateway, through forward local 1080"
	assert_eq "$(get_srv 8022)" "on-the-client" "the client's service, from the server through forward remote 8022"
	ping_through "$E2E_TUN_SERVER" 30
}

call_start e2e-web
call_wait_up 120
wait_for 60 grep -q 'forward local 1080 -> 10.99.0.1:80: set up' "$CALL_LOG" || fail "forward local 1080 not set up"
wait_for 60 grep -q 'forward remote 8022 -> 127.0.0.1:8081: set up' "$CALL_LOG" || fail "forward remote 8022 not set up"
call_wait_count 1 'forward local 127.0.0.1:1180 -> 10.99.0.1:80: cannot be set up \(ssh says: Port forwarding failed: bind \[127.0.0.1\]:1180: Address already in use\); the connection stays up' 60 ||
	fail "the taken port was not named (see $CALL_LOG)"
all_work
assert_eq "$(call_count "$LINK_DOWN_RE")" 0 "'link down' lines while a forward fails"
note "link and two forwards up; the taken port 1180 named: $(grep -m1 'cannot be set up' "$CALL_LOG" | sed 's/^sshdial: warning: //')"

# The port comes free: the forward's own retry sets it up, the link untouched.
kill "$squatter"
wait "$squatter" 2>/dev/null
wait_for 60 grep -q 'forward local 127.0.0.1:1180 -> 10.99.0.1:80: set up' "$CALL_LOG" ||
	fail "the forward was not set up within 60 s of its port coming free (see $CALL_LOG)"
assert_eq "$(get_cli 1180)" "behind-the-gateway" "forward local 1180 once its port was free"
assert_eq "$(call_attempts)" 1 "dial attempts"

# Kill the link's ssh: everything comes back.
ssh_pid=$(cli_pids ssh | head -n1)
[ -n "$ssh_pid" ] || fail "no ssh in the client"
kill -KILL "$ssh_pid"
t_kill=$(now)
call_wait_up_n 2 150
wait_for 60 eval "[ \$(grep -c 'forward local 1080 -> 10.99.0.1:80: set up' '$CALL_LOG') -ge 2 ] &&
	[ \$(grep -c 'forward remote 8022 -> 127.0.0.1:8081: set up' '$CALL_LOG') -ge 2 ] &&
	[ \$(grep -c 'forward local 127.0.0.1:1180 -> 10.99.0.1:80: set up' '$CALL_LOG') -ge 2 ]" ||
	fail "the forwards were not all set up again after the redial (see $CALL_LOG)"
all_work
assert_eq "$(get_cli 1180)" "behind-the-gateway" "forward local 1180 after the redial"
note "link and forwards back $(since "$t_kill")s after ssh was killed"

call_stop
assert_eq "$CALL_RC" 0
assert_nothing_left e2e-web
