#!/bin/bash
# (issue 8, part 5) The route watch: the ssh server named by a host name (resolved off the
# event loop, through /etc/hosts), the path to it compared as a value.
#  - While the link waits out its backoff, the path comes back: it dials again at once.
#  - While the link is up, the path's source address moves: ssh's connection is bound to
#    the old one, so the link is dialed again at once, and comes back.
#  - While the link is up, the path moves but keeps its source address: the link stays.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

# A name for the server, in a private /etc/hosts (this namespace's mounts vanish with it).
cp /etc/hosts "$E2E_DIR/hosts"
echo "$E2E_SERVER_IP e2e-server" >>"$E2E_DIR/hosts"
mount --bind "$E2E_DIR/hosts" /etc/hosts || fail "cannot bind-mount a private /etc/hosts"

in_srv ip addr add 10.99.0.1/24 dev lo
peer_file e2e-path "route 10.99.0.0/24" "ssh-option HostKeyAlias=$E2E_SERVER_IP"
sed -i "s/^host .*/host e2e-server/" "$E2E_PEERS/e2e-path"

# No path at first: every attempt fails at once, and the backoff grows.
in_cli ip route add unreachable "$E2E_SERVER_IP/32"
call_start e2e-path
call_wait_count 1 '; dialing again in ([3-9]|[1-9][0-9])\.[0-9] s$' 120 ||
	fail "no backoff of 3 s or more within 120 s (see $CALL_LOG)"
attempts=$(call_attempts)
in_cli ip route del unreachable "$E2E_SERVER_IP/32"
t_back=$(now)
call_wait_count 1 ': path to e2e-server changed \(no route -> dev e2e0 src 10\.77\.0\.1\); dialing again now$' 3 ||
	fail "no immediate redial within 3 s of the path coming back (see $CALL_LOG)"
note "dialing again $(since "$t_back")s after the path came back (attempt $((attempts + 1)))"
call_wait_up 90
assert_eq "$(call_attempts)" $((attempts + 1)) "attempts after the path came back"
ping_through 10.99.0.1 30

# The source address moves under the live link.
in_cli ip addr add 10.77.0.3/24 dev e2e0
in_cli ip route add "$E2E_SERVER_IP/32" dev e2e0 src 10.77.0.3
call_wait_count 1 ': path to e2e-server changed \(dev e2e0 src 10\.77\.0\.1 -> dev e2e0 src 10\.77\.0\.3\); dialing again now$' 5 ||
	fail "no redial within 5 s of the source address moving (see $CALL_LOG)"
call_wait_up_n 2 90
assert_eq "$(call_attempts)" $((attempts + 2)) "attempts after the source moved"
ping_through 10.99.0.1 30
assert_route_once 10.99.0.0/24

# A gateway appears, the source stays: logged, the link left alone.
in_cli ip route replace "$E2E_SERVER_IP/32" via "$E2E_SERVER_IP" dev e2e0 src 10.77.0.3
call_wait_count 1 ': path to e2e-server changed \(dev e2e0 src 10\.77\.0\.3 -> dev e2e0 via 10\.77\.0\.2 src 10\.77\.0\.3\)$' 5 ||
	fail "no 'path changed' line within 5 s of the gateway appearing (see $CALL_LOG)"
sleep 3
assert_eq "$(call_attempts)" $((attempts + 2)) "attempts after a move that kept the source"
assert_eq "$(call_count "$LINK_DOWN_RE")" $((attempts + 1)) "'link down' lines"
ping_through 10.99.0.1 30

call_stop
assert_eq "$CALL_RC" 0
assert_nothing_left e2e-path
