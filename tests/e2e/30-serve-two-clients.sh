#!/bin/bash
# Server (a): two clients with different keys connect at the same time through
# `sshdial serve`; each gets its own fixed address, and both links carry traffic. Bob's
# key also requires PAP (pppd 'call sshdial-serve' and require-pap, run as pppuser).
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh

serve_setup "key alice" "address 192.168.77.10" "key bob" "address 192.168.77.11" "pap yes"
serve_key alice
alice=$SERVE_KEY
serve_key bob
bob=$SERVE_KEY
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$alice.pub" --name alice)" \
	"$("$SERVE_SSHDIAL" authorize --key "$bob.pub" --name bob)"
grep -q '^restrict,command=".*sshdial serve --key alice" ssh-ed25519 ' "$E2E_AUTHORIZED_KEYS" ||
	fail "unexpected authorized_keys: $(cat "$E2E_AUTHORIZED_KEYS")"
grep -qF "command=\"$SERVE_SSHDIAL serve --key bob\"" "$E2E_AUTHORIZED_KEYS" ||
	fail "the lines do not run the installed $SERVE_SSHDIAL: $(cat "$E2E_AUTHORIZED_KEYS")"

serve_peer alice "$alice"
serve_peer bob "$bob"
call_start alice
alice_pid=$CALL_PID alice_log=$CALL_LOG
call_start bob
bob_pid=$CALL_PID bob_log=$CALL_LOG

CALL_LOG=$alice_log call_wait_up 120
CALL_LOG=$bob_log call_wait_up 120
note "both links up"
grep -q ': up after .* 192\.168\.77\.10 peer 192\.168\.77\.1,' "$alice_log" ||
	fail "alice did not get 192.168.77.10: $(grep 'up after' "$alice_log")"
grep -q ': up after .* 192\.168\.77\.11 peer 192\.168\.77\.1,' "$bob_log" ||
	fail "bob did not get 192.168.77.11: $(grep 'up after' "$bob_log")"

a_dev=$(serve_ppp_of 192.168.77.10)
b_dev=$(serve_ppp_of 192.168.77.11)
[ -n "$a_dev" ] && [ -n "$b_dev" ] && [ "$a_dev" != "$b_dev" ] ||
	fail "the server should have one ppp device per client: '$a_dev' '$b_dev'"
in_srv ping -c 2 -W 5 192.168.77.10 >/dev/null || fail "server cannot ping alice through $a_dev"
in_srv ping -c 2 -W 5 192.168.77.11 >/dev/null || fail "server cannot ping bob through $b_dev"
grep -qE 'sshdial-serve.*key alice: starting pppd for 192\.168\.77\.10 \(fixed address\)(, frame transport)?$' "$SERVE_LOG" ||
	fail "serve did not log alice's start with her key's name"
grep -q 'sshdial-serve.*key bob: starting pppd for 192.168.77.11 (fixed address), PAP required' "$SERVE_LOG" ||
	fail "serve did not log bob's start with PAP"
grep -q 'pppd: PAP authentication succeeded' "$bob_log" || fail "the server's pppd did not ask bob for PAP"

CALL_PID=$alice_pid call_stop
assert_eq "$CALL_RC" 0 "alice's exit status"
# Bob's link is untouched by alice's going.
in_srv ping -c 2 -W 5 192.168.77.11 >/dev/null || fail "bob's link went down with alice's"
CALL_PID=$bob_pid call_stop
assert_eq "$CALL_RC" 0 "bob's exit status"
