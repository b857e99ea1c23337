#!/bin/bash
# Jump host: client -> jump -> server, each hop's host key checked against the
# peer's known-hosts. The jump is a second sshd on the router between the two (routed
# topology). With the jump's key unknown, sshdial exits 2 after one attempt and names
# that hop; with it known, the forward works and the server sees the login come from the
# jump.
E2E_TOPOLOGY=routed
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/forward.sh

JUMP_IP=10.77.1.254
jump=$E2E_DIR/jump
mkdir -p "$jump" || fail "cannot create $jump"
ssh-keygen -q -t ed25519 -N '' -f "$jump/host_key" || fail "cannot make the jump's host key"
fwd_dovecot_start
serve_key hop
# The jump lets this key through to the server's sshd only.
echo "restrict,port-forwarding,permitopen=\"$E2E_SERVER_IP:22\" $(cat "$SERVE_KEY.pub")" >"$jump/pppuser.keys"
cat >"$jump/sshd_config" <<EOF2
ListenAddress $JUMP_IP
HostKey $jump/host_key
PidFile $jump/sshd.pid
AuthorizedKeysFile $jump/%u.keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
UseDNS no
LogLevel VERBOSE
EOF2
ip netns exec "$E2E_RTR" setpriv --pdeathsig TERM /usr/sbin/sshd -D -f "$jump/sshd_config" \
	-E "$jump/sshd.log" </dev/null &
e2e_log "$jump/sshd.log"
wait_for 60 eval "ss -N '$E2E_RTR' -Hltn | grep -q '$JUMP_IP:22 '" || fail "the jump's sshd is not listening"

line=$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name hop --forward-only \
	--permit-open 127.0.0.1:110) || fail "authorize failed"
serve_authorize "$line"
fwd_peer e2e-jump "link no" "jump pppuser@$JUMP_IP" "forward local 1110 127.0.0.1:110"

# The jump's key is not in known-hosts (only the server's is): a permanent failure that
# names the hop, not the server.
call_ends_once e2e-jump 2 "unknown jump host key"
assert_match "$CALL_VERDICT" "host key verification failed for jump host '$JUMP_IP' \(hop 1 of 1\)" "the verdict"
case $CALL_VERDICT in *"for '$E2E_SERVER_IP'"*) fail "the verdict names the server: $CALL_VERDICT" ;; esac

# Known: through the jump to the server.
echo "$JUMP_IP $(cut -d' ' -f1,2 "$jump/host_key.pub")" >>"$E2E_KNOWN_HOSTS"
call_start e2e-jump
call_wait_up 120
wait_for 60 grep -q 'forward local 1110 -> 127.0.0.1:110: set up' "$CALL_LOG" ||
	fail "the forward was not set up through the jump (see $CALL_LOG)"
mail=$(fwd_pop_fetch 1110) || fail "curl could not fetch through the jump"
assert_match "$mail" 'Subject: sshdial-e2e-pop' "the message fetched through the jump"
grep -q "Accepted publickey for pppuser from 10.77.2.254 " "$E2E_SSHD_LOG" ||
	fail "the server's sshd did not see the login come from the jump: $(grep Accepted "$E2E_SSHD_LOG")"
grep -q "Accepted publickey for pppuser from $E2E_CLIENT_IP " "$jump/sshd.log" ||
	fail "the jump did not see the client's login"
note "through the jump: the server saw the login from 10.77.2.254"
call_stop
assert_eq "$CALL_RC" 0
assert_nothing_left e2e-jump
