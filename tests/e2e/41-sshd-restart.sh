#!/bin/bash
# The server's sshd restarts and takes its sessions with it (the listener,
# each session's sshd and the server's pppd all die, as in a server reboot): sshdial
# sees the link end, redials through a few refused connections, and the link comes back
# with its routes.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

in_srv ip addr add 10.99.0.1/24 dev lo
peer_file e2e-sshd "route 10.99.0.0/24"
call_start e2e-sshd
call_wait_up
note "up ${CALL_UP_AFTER}s after start"
ping_through 10.99.0.1 30

t0=$(now)
e2e_sshd_restart 3
note "sshd restarted ($(since "$t0")s with the server down)"
call_wait_count 1 "$LINK_DOWN_RE" 60 || fail "sshdial did not notice the server going away"
call_wait_up_n 2 150
note "up again $(since "$t0")s after the server went away ($(call_attempts) attempts in all)"
ping_through 10.99.0.1 60
assert_route_once 10.99.0.0/24
call_running || fail "sshdial ended"

call_stop
assert_eq "$CALL_RC" 0
assert_nothing_left e2e-sshd
