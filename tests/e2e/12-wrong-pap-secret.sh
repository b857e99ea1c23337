#!/bin/bash
# (c) A wrong PAP secret is a permanent failure: exit 2, a message naming PAP, no redial
# loop, nothing left behind.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

wrong="$E2E_DIR/wrong-secret"
printf 'not-the-secret\n' >"$wrong"
chmod 600 "$wrong"
peer_file e2e-pap "route 10.99.0.0/24"
sed -i "s|^pap-password-file .*|pap-password-file $wrong|" "$E2E_PEERS/e2e-pap"
call_start e2e-pap
call_wait_exit 150
assert_eq "$CALL_RC" 2
grep -q 'PAP' "$CALL_LOG" || fail "the message does not name PAP"
n=$(grep -c 'dialing .* (attempt' "$CALL_LOG")
assert_eq "$n" 1
assert_nothing_left e2e-pap
