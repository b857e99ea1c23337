#!/bin/bash
# A server whose `sshdial serve` refuses the link on the frame
# transport: its lease directory is not writable by the serve account ("cannot open lease
# file ...: Permission denied").  serve says so on the stream (FRAME_REFUSED's line)
# instead of the frame transport's greeting, and the client's verdict quotes it: exit
# status 2 after exactly one attempt, nothing left behind; under the daemon, the peer is
# not dialed again and its status says why (and, in a key of its own, what to do).  Then,
# with the directory fixed, a stream that ends after the link was up (the server's sshd
# session killed) is named as that, and dialed again.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/frames.sh
. tests/e2e/daemon.sh

frames_setup "transport frames"
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$alice.pub" --name alice)"
# Readable, not writable, by the serve accounts' group.
chmod 2750 "$SERVE_LEASES" || fail "cannot chmod $SERVE_LEASES"

call_ends_once alice 2 "lease directory not writable"
case "$CALL_VERDICT" in
*"refused the link: 'sshdial serve: key alice: cannot open lease file $SERVE_LEASES/192.168.77.10: Permission denied"*) ;;
*) fail "the verdict does not quote the server's refusal: $CALL_VERDICT" ;;
esac
grep -q "the ssh connection closed" "$CALL_LOG" &&
	fail "the refusal was taken for a closed connection: $(grep 'ssh connection closed' "$CALL_LOG")"
assert_eq "$(tunnels "$E2E_CLI")" "" "L2TP tunnels left in the client after the refusal"

# Under the daemon: 'up' fails with the server's words, the peer is failed, not dialing.
daemon_start
out=$(ctl up alice 2>&1)
rc=$?
note "daemon: up alice: status $rc: $out"
assert_eq "$rc" 2 "the status of 'sshdial up alice'"
assert_match "$out" "refused the link: 'sshdial serve: key alice: cannot open lease file" "the answer of 'sshdial up alice'"
assert_eq "$(field alice state)" failed "alice's state"
assert_match "$(field alice last_failure)" "cannot open lease file" "alice's last failure in status --json"
# What happened and what to do, each in its key.
assert_eq "$(field alice last_failure_fix)" "fix this on the server (its log says the same)" "alice's last_failure_fix"
[[ $(field alice last_failure) == *"fix this"* ]] && fail "alice's last_failure carries its fix: $(field alice last_failure)"
# Longer than a first redial's back-off: a second attempt would show by now.
until_t=$(($(date +%s) + 40))
while [ "$(date +%s)" -lt $until_t ]; do sleep 2; done
assert_eq "$(grep -cE 'alice: dialing .*\(attempt [0-9]+\)$' "$DAEMON_LOG")" 1 "the daemon's attempts at alice"
assert_eq "$(field alice state)" failed "alice's state 40 s later"
daemon_stop

# Fixed: the link comes up; then its ssh connection ends: named as a stream that ended
# after the link was up, and dialed again.
chmod 2770 "$SERVE_LEASES" || fail "cannot chmod $SERVE_LEASES"
call_start alice
call_wait_up 120
# The server's end of the ssh connection (sshd's session process) killed: the stream
# of frames ends with the connection.
sess=$(pgrep -f '^sshd: pppuser@notty' | head -n1)
[ -n "$sess" ] || fail "no sshd session process of pppuser on the server"
kill -KILL "$sess"
wait_for 120 grep -q "the ssh connection closed after the link was up" "$CALL_LOG" ||
	fail "the ended stream was not named as such: $(grep -E 'down|closed' "$CALL_LOG" | tail -n 3)"
call_wait_up_n 2 150
call_stop
assert_eq "$CALL_RC" 0 "exit status after SIGTERM"
assert_nothing_left alice
