#!/bin/bash
# The client's pppd is killed outright (SIGKILL: no ip-down, its interface
# and the routes through it vanish with it), later its ssh: each time the link comes back
# and the routes are applied again, once each.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

in_srv ip addr add 10.99.0.1/24 dev lo
peer_file e2e-kill "route 10.99.0.0/24" "route 10.98.7.0/24"
call_start e2e-kill
call_wait_up
note "up ${CALL_UP_AFTER}s after start"
ping_through 10.99.0.1 30

n=1
for victim in pppd ssh; do
	pids=$(cli_pids "$victim")
	[ "$(echo "$pids" | grep -c .)" = 1 ] || fail "expected one $victim in the client, found: $pids"
	t0=$(now)
	kill -KILL "$pids"
	n=$((n + 1))
	call_wait_up_n "$n" 150
	note "$victim killed: up again after $(since "$t0")s"
	[ "$(call_count "$LINK_DOWN_RE")" -ge $((n - 1)) ] || fail "no 'link down' line for the killed $victim"
	assert_route_once 10.99.0.0/24
	assert_route_once 10.98.7.0/24
	dev=$(ppp_dev)
	assert_match "$(ip -n "$E2E_CLI" route get 10.99.0.1)" "dev $dev" "route to 10.99.0.1"
	ping_through 10.99.0.1 60
	assert_eq "$(cli_pids pppd | grep -c .)" 1 "pppd processes in the client"
	assert_eq "$(cli_pids ssh | grep -c .)" 1 "ssh processes in the client"
done
# Every attempt after the first followed a 'link down': no fault made sshdial dial twice.
# (How many attempts each comeback took is the machine's business: a slow one may see a
# redial fail once.)
assert_eq "$(call_attempts)" $((1 + $(call_count "$LINK_DOWN_RE"))) "dial attempts (1 + 'link down' lines)"

call_stop
assert_eq "$CALL_RC" 0
assert_nothing_left e2e-kill
