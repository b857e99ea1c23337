#!/bin/bash
# `sshdial call PEER` is the daemon's own per-peer code for one peer in the foreground
#: beside a running daemon it takes only its peer's lock and socket, never the
# daemon's. A call of a peer the daemon holds exits 1 naming the daemon's pid; a call of
# another peer comes up while the daemon keeps answering on its control socket, and the
# daemon's `up` of that peer is refused naming the call's pid; the call's SIGTERM undoes
# its route and leaves the daemon's link as it was.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/daemon.sh

serve_setup "key a" "address 192.168.77.10" "key b" "address 192.168.77.11"
lines=()
for k in a b; do
	serve_key "$k"
	eval "key_$k=\$SERVE_KEY"
	lines+=("$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name "$k")")
done
serve_authorize "${lines[@]}"
# shellcheck disable=SC2154
{
	serve_peer a "$key_a" "autostart yes" "route 10.99.1.0/24"
	serve_peer b "$key_b" "route 10.99.2.0/24"
}

daemon_start
daemon_wait_state a up
control_before=$(stat -c '%i' /run/sshdial/control) || fail "no control socket"

# A call of a, which the daemon holds: refused, nothing of a's touched.
a_route=$(ip -n "$E2E_CLI" route show 10.99.1.0/24)
e2e_log "$E2E_DIR/call-a.log"
in_cli env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin timeout 60 \
	"$SSHDIAL" call --peers-dir "$E2E_PEERS" a >"$E2E_DIR/call-a.log" 2>&1
assert_eq "$?" 1 "exit status of 'sshdial call a' while the daemon holds a"
grep -qE "error: a: already being dialed by sshdial pid $DAEMON_PID\b" "$E2E_DIR/call-a.log" ||
	fail "the call of a does not name the daemon's pid $DAEMON_PID: $(cat "$E2E_DIR/call-a.log")"
assert_eq "$(field a state)" up "a after the refused call"
assert_eq "$(ip -n "$E2E_CLI" route show 10.99.1.0/24)" "$a_route" "a's route after the refused call"

# A call of b beside the daemon: up, and the daemon still answers on its own socket.
call_start b
call_wait_up
assert_route_once 10.99.2.0/24
assert_eq "$(stat -c '%i' /run/sshdial/control)" "$control_before" "the daemon's control socket"
out=$(ctl status a) || fail "the daemon does not answer status while a call runs: $out"
assert_match "$out" '^a: up' "the daemon's status of a while b is called"
out=$(ctl up b 2>&1) && fail "the daemon brought b up while a call holds it: $out"
assert_match "$out" "b: already being dialed by sshdial pid $CALL_PID\b" "the daemon's refusal of b"
call_running || fail "the call of b ended when the daemon was asked for b"

# SIGTERM: the call undoes its own, the daemon's link and socket stay.
call_stop
assert_eq "$CALL_RC" 0 "the call's exit status after SIGTERM"
[ -z "$(ip -n "$E2E_CLI" route show 10.99.2.0/24)" ] || fail "b's route is left after the call ended"
[ ! -e /run/sshdial/b.journal ] && [ ! -e /run/sshdial/b.sock ] && [ ! -e /run/sshdial/b.pid ] ||
	fail "b's runtime files are left: $(ls /run/sshdial)"
daemon_running || fail "the daemon ended with the call"
assert_eq "$(stat -c '%i' /run/sshdial/control)" "$control_before" "the daemon's control socket after the call"
assert_eq "$(field a state)" up "a after the call ended"
assert_eq "$(ip -n "$E2E_CLI" route show 10.99.1.0/24)" "$a_route" "a's route after the call ended"

daemon_stop
assert_eq "$DAEMON_RC" 0 "the daemon's exit status after SIGTERM"
assert_nothing_left a
assert_nothing_left b
