#!/bin/bash
# `sshdial check --dial PEER` logs in once with the peer's own ssh and
# says what the server's forced command answered, without bringing the link up: sshdial
# serve (its probe's answer, exit 0), sshdial serve refusing the key (its lease directory
# not writable, as in 3c: its line quoted, exit 2), a classic `pppd notty` forced command
# (plain PPP, exit 0), and a wrong host key (ssh's verdict, exit 2).  Each time nothing is
# left behind: no ssh in the client, no pppd and no lease on the server.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh

# check_dial NAME: runs it in the client namespace; sets CHECK_RC and CHECK_OUT.
check_dial() {
	local t0=$SECONDS
	CHECK_OUT=$(ip netns exec "$E2E_CLI" "$SSHDIAL" check --peers-dir "$E2E_PEERS" --dial "$1" 2>&1)
	CHECK_RC=$?
	note "check --dial $1: status $CHECK_RC after $((SECONDS - t0)) s: $CHECK_OUT"
	# Bounded: ssh's 15 s to connect and 45 s for the answer, then 5 + 5 s to end it.
	[ $((SECONDS - t0)) -le 90 ] || fail "check --dial $1 took $((SECONDS - t0)) s"
}

# nothing_left WHAT: no ssh in the client, no pppd in the server (a classic one gets a few
# seconds to see the end of its input), no lease file.
nothing_left() {
	local left
	left=$(ip netns pids "$E2E_CLI" | xargs -r ps -o pid=,comm= -p | grep -E 'ssh|pppd' || true)
	[ -z "$left" ] || fail "$1: processes left in the client: $left"
	wait_for 20 test "$(serve_pppd_count)" = 0 ||
		fail "$1: pppd left in the server: $(ip netns pids "$E2E_SRV" | xargs -r ps -o pid=,args= -p | grep pppd)"
	left=$(ls -A "$SERVE_LEASES")
	[ -z "$left" ] || fail "$1: lease files left on the server: $left"
}

serve_setup "key alice" "address 192.168.77.10"
serve_key alice
serve_peer alice "$SERVE_KEY" "transport frames" "route 10.99.0.0/24"
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name alice)"

# sshdial serve, ready to serve the key.
check_dial alice
assert_eq "$CHECK_RC" 0 "check --dial against sshdial serve: status"
assert_match "$CHECK_OUT" "alice: $E2E_SERVER_IP answers with sshdial serve: key alice, fixed address 192\.168\.77\.10" "check --dial against sshdial serve"
grep -q "key alice: answered a probe" "$SERVE_LOG" || fail "serve's log does not name the probe: $(tail -n 3 "$SERVE_LOG")"
grep -q "key alice: starting pppd" "$SERVE_LOG" && fail "serve started pppd for a probe: $(grep 'starting pppd' "$SERVE_LOG")"
nothing_left "sshdial serve"

# sshdial serve refusing: its lease directory is not writable by the serve account.
chmod 2750 "$SERVE_LEASES" || fail "cannot chmod $SERVE_LEASES"
check_dial alice
assert_eq "$CHECK_RC" 2 "check --dial against a refusing sshdial serve: status"
assert_match "$CHECK_OUT" "answers with sshdial serve, which refuses this key: 'sshdial serve: key alice: lease directory $SERVE_LEASES: Permission denied" "check --dial against a refusing serve"
chmod 2770 "$SERVE_LEASES" || fail "cannot chmod $SERVE_LEASES"
nothing_left "a refusing sshdial serve"

# A classic pppd notty as the forced command (e2e_setup's own line).
peer_file classic "route 10.99.0.0/24"
e2e_authorize "command=\"$E2E_PPPD_SERVER_CMD\",no-pty,no-agent-forwarding,no-X11-forwarding $E2E_DIALER_PUBKEY"
check_dial classic
assert_eq "$CHECK_RC" 0 "check --dial against a classic pppd: status"
assert_match "$CHECK_OUT" "classic: $E2E_SERVER_IP answers with plain PPP \('~" "check --dial against a classic pppd"
nothing_left "a classic pppd"

# A wrong host key in the peer's known_hosts: ssh's own verdict.
wrong=$E2E_DIALER_HOME/.ssh/known_hosts-wrong
ssh-keygen -q -t ed25519 -N '' -f "$E2E_DIR/other-host-key" || fail "cannot make a host key"
echo "$E2E_SERVER_IP $(cut -d' ' -f1,2 "$E2E_DIR/other-host-key.pub")" >"$wrong" &&
	chown dialer:dialer "$wrong" || fail "cannot write $wrong"
peer_file wrongkey "route 10.99.0.0/24"
sed -i "s|^known-hosts .*|known-hosts $wrong|" "$E2E_PEERS/wrongkey" || fail "cannot edit peer wrongkey"
check_dial wrongkey
assert_eq "$CHECK_RC" 2 "check --dial with a wrong host key: status"
assert_match "$CHECK_OUT" "wrongkey: host key verification failed for '$E2E_SERVER_IP': its key has CHANGED" "check --dial with a wrong host key"
nothing_left "a wrong host key"
