#!/bin/bash
# A forward-only key (sshdial authorize --forward-only) gets exactly the forwards
# named and nothing else: no shell, no pty, no pppd, no other local forward, no remote
# listener but the one permitted. Through sshdial, a forward the key was not given is
# named when it is set up: the server's permitopen refuses it, and the log says which.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/forward.sh

fwd_dovecot_start
serve_key fwd
line=$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name fwd --forward-only \
	--permit-open 127.0.0.1:110 --permit-listen 8022) || fail "authorize --forward-only failed"
assert_match "$line" '^restrict,port-forwarding,permitopen="127\.0\.0\.1:110",permitlisten="8022",command="' "the line"
serve_authorize "$line"

# Refusals of the command line itself.
"$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name fwd --forward-only >"$E2E_DIR/a.out" 2>&1 &&
	fail "authorize --forward-only without a forward was accepted"
assert_match "$(cat "$E2E_DIR/a.out")" 'name the forwards the key gets with --permit-open' "no forward"
"$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name fwd --forward-only --permit-open 'a:1,command="sh"' \
	>"$E2E_DIR/a.out" 2>&1 && fail "a permitopen that would break the line was accepted"
assert_match "$(cat "$E2E_DIR/a.out")" "--permit-open 'a:1,command=\"sh\"': not HOST:PORT" "a bad --permit-open"

out=$E2E_DIR/ssh.out
as_client() {
	timeout 150 ip netns exec "$E2E_CLI" ssh -F /dev/null -i "$SERVE_KEY" -o BatchMode=yes \
		-o UserKnownHostsFile="$E2E_KNOWN_HOSTS" -o StrictHostKeyChecking=yes \
		-o ConnectTimeout=60 "$@" >"$out" 2>&1
}

# No shell and no pty: the forced command runs, whatever was asked, and only echoes.
as_client -tt pppuser@"$E2E_SERVER_IP" true </dev/null
grep -q 'PTY allocation request failed' "$out" || fail "a pty was granted: $(head -5 "$out")"
as_client -T pppuser@"$E2E_SERVER_IP" 'echo SHELL-$((6*7))' </dev/null
! grep -q 'SHELL-42' "$out" || fail "a shell ran the client's command"
# No pppd: the forced command sends back what it gets, and no pppd starts on the server.
echo "ping-$$" | as_client -T pppuser@"$E2E_SERVER_IP" /usr/sbin/pppd notty
assert_eq "$(cat "$out")" "ping-$$" "what the forward-only session sent back"
assert_eq "$(ip netns pids "$E2E_SRV" | xargs -r ps -o comm= -p | grep -c '^pppd$')" 0 "pppd on the server"
# The forward given works; any other is refused.
as_client -W 127.0.0.1:110 pppuser@"$E2E_SERVER_IP" </dev/null
grep -q '^+OK' "$out" || fail "ssh -W to the permitted 127.0.0.1:110 failed: $(head -5 "$out")"
as_client -W 127.0.0.1:22 pppuser@"$E2E_SERVER_IP" </dev/null && fail "ssh -W 127.0.0.1:22 was allowed"
grep -q 'administratively prohibited' "$out" || fail "ssh -W 127.0.0.1:22: unexpected: $(head -5 "$out")"
as_client -N -o ExitOnForwardFailure=yes -R 8023:127.0.0.1:22 pppuser@"$E2E_SERVER_IP" </dev/null &&
	fail "ssh -R 8023 (not permitted) was allowed"
grep -q 'remote port forwarding failed' "$out" || fail "ssh -R 8023: unexpected: $(head -5 "$out")"
# The permitted listener: up while the connection lasts.
ip netns exec "$E2E_CLI" ssh -F /dev/null -i "$SERVE_KEY" -o BatchMode=yes \
	-o UserKnownHostsFile="$E2E_KNOWN_HOSTS" -o ExitOnForwardFailure=yes -N \
	-R 8022:127.0.0.1:9 pppuser@"$E2E_SERVER_IP" </dev/null >"$out" 2>&1 &
rpid=$!
wait_for 60 eval "ss -N '$E2E_SRV' -Hltn | grep -q '127.0.0.1:8022 '" ||
	fail "the permitted remote listener 8022 did not come up: $(head -5 "$out")"
kill "$rpid"
wait "$rpid" 2>/dev/null
note "forward-only key: no shell, no pty, no pppd; only 127.0.0.1:110 and listener 8022"

# Through sshdial: the permitted forward works, the other is named as refused; the
# connection stays up for the first.
fwd_peer e2e-fo "link no" "forward local 1110 127.0.0.1:110" "forward local 1122 127.0.0.1:22"
call_start e2e-fo
call_wait_up 120
call_wait_count 1 'forward local 1122 -> 127.0.0.1:22: the server refuses its target 127.0.0.1:22 \(its authorized_keys permitopen' 60 ||
	fail "the refused forward was not named (see $CALL_LOG)"
grep -E 'refuses its target' "$CALL_LOG" | grep -q 'give the key --permit-open 127.0.0.1:22' ||
	fail "the refusal does not say what to do: $(grep 'refuses' "$CALL_LOG")"
mail=$(fwd_pop_fetch 1110) || fail "the permitted forward does not work beside the refused one"
assert_match "$mail" 'Subject: sshdial-e2e-pop' "the message fetched"
kill -USR1 "$CALL_PID"
call_wait_count 1 ': status: forward local 1122 -> 127.0.0.1:22: up, but the server refuses connections to 127.0.0.1:22' 10 ||
	fail "the status does not show the refusal: $(grep ': status: ' "$CALL_LOG")"
assert_eq "$(call_count "$LINK_DOWN_RE")" 0 "'link down' lines"
call_stop
assert_eq "$CALL_RC" 0
assert_nothing_left e2e-fo
