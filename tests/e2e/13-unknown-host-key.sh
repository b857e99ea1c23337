#!/bin/bash
# (d) An unknown host key is a permanent failure: exit 2 and a message naming the host key.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

empty="$E2E_DIR/empty_known_hosts"
: >"$empty"
chmod 644 "$empty"
peer_file e2e-hostkey "route 10.99.0.0/24"
sed -i "s|^known-hosts .*|known-hosts $empty|" "$E2E_PEERS/e2e-hostkey"
call_start e2e-hostkey
call_wait_exit 150
assert_eq "$CALL_RC" 2
grep -qi 'host key' "$CALL_LOG" || fail "the message does not name the host key"
n=$(grep -c 'dialing .* (attempt' "$CALL_LOG")
assert_eq "$n" 1
assert_nothing_left e2e-hostkey
