#!/bin/bash
# (a) sshdial call brings the link up: ping works both ways through it, and the peer's
# routes point at the ppp interface and carry traffic.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

# A network behind the server, reached only through the link.
in_srv ip addr add 10.99.0.1/24 dev lo
peer_file e2e-up "route 10.99.0.0/24" "route 10.98.7.0/24"
call_start e2e-up
call_wait_up
note "routes installed ${CALL_UP_AFTER}s after 'sshdial call' started"

dev=$(ip -n "$E2E_CLI" -o -4 addr show | awk '$4 ~ /^'"${E2E_TUN_CLIENT//./\\.}"'/ { print $2 }')
[ -n "$dev" ] || fail "no interface holds $E2E_TUN_CLIENT"
ip -n "$E2E_CLI" -o link show "$dev" | grep -q 'link/ppp' || fail "$dev is not a ppp device"
assert_match "$(ip -n "$E2E_CLI" route show 10.99.0.0/24)" "^10\.99\.0\.0/24 dev $dev "
assert_match "$(ip -n "$E2E_CLI" route show 10.98.7.0/24)" "^10\.98\.7\.0/24 dev $dev "
assert_match "$(ip -n "$E2E_CLI" route get 10.99.0.1)" "dev $dev"

in_cli ping -c 2 -W 5 "$E2E_TUN_SERVER" >/dev/null || fail "client cannot ping the server's end"
in_srv ping -c 2 -W 5 "$E2E_TUN_CLIENT" >/dev/null || fail "server cannot ping the client's end"
in_cli ping -c 2 -W 5 10.99.0.1 >/dev/null || fail "the routed network 10.99.0.1 is unreachable"
grep -q 'pppd: ' "$CALL_LOG" || fail "pppd's log does not reach sshdial's log"

call_stop
assert_eq "$CALL_RC" 0
