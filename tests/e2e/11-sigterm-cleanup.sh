#!/bin/bash
# (b) After SIGTERM, sshdial exits 0 and no route, pppd, ssh or runtime file is left.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

before=$(ip -n "$E2E_CLI" route show table all)
peer_file e2e-term "route 10.99.0.0/24" "route 10.99.1.0/24"
call_start e2e-term
call_wait_up
ip -n "$E2E_CLI" route show | grep -q '^10\.99\.1\.0/24 dev ppp' || fail "routes are not up"
[ -e /run/sshdial/e2e-term.sock ] || fail "no control socket while up"
call_stop
assert_eq "$CALL_RC" 0
grep -q 'removed 2 routes' "$CALL_LOG" || fail "sshdial did not report removing its routes"
assert_nothing_left e2e-term
assert_eq "$(ip -n "$E2E_CLI" route show table all)" "$before"
# The server side notices too: its pppd ends when the client hangs up.
wait_for 90 sh -c "! ip netns pids $E2E_SRV | xargs -r ps -o comm= -p | grep -q pppd" ||
	fail "the server's pppd is still running"
