#!/bin/bash
# A second `sshdial call` of a peer that is being dialed changes nothing: it exits 1 with a
# message naming the peer and the PID of the first, whose control socket, journal and
# link stay as they were; the first then still carries traffic and cleans up on SIGTERM.
# First with several started at the same moment: one dials, the others leave it alone;
# then with one more started while that one is up.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

in_srv ip addr add 10.99.0.1/24 dev lo
peer_file e2e-two "route 10.99.0.0/24"

# second_call LOG: a second `sshdial call e2e-two` in the foreground; sets SECOND_RC.
second_call() {
	e2e_log "$1"
	in_cli env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin timeout 60 \
		"$SSHDIAL" call --peers-dir "$E2E_PEERS" e2e-two >"$1" 2>&1
	SECOND_RC=$?
}

# --- several at once: exactly one dials, every other one exits 1 --------------------------
pids=()
for i in 1 2 3 4; do
	e2e_log "$E2E_DIR/race-$i.log"
	ip netns exec "$E2E_CLI" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		"$SSHDIAL" call --verbose --peers-dir "$E2E_PEERS" e2e-two >"$E2E_DIR/race-$i.log" 2>&1 &
	pids+=($!)
done
wait_for 120 sh -c "grep -qs ': up after ' '$E2E_DIR'/race-*.log" ||
	fail "none of four simultaneous calls brought the link up"
up=$(grep -l ': up after ' "$E2E_DIR"/race-*.log)
assert_eq "$(echo "$up" | wc -l)" 1 "calls that report the link up"
winner=${up##*/race-}
winner=${winner%.log}
for i in 1 2 3 4; do
	[ "$i" = "$winner" ] && continue
	wait_for 60 sh -c "! kill -0 ${pids[i - 1]}" || fail "simultaneous call $i still runs"
	wait "${pids[i - 1]}"
	assert_eq "$?" 1 "exit status of simultaneous call $i"
	grep -q 'e2e-two: already being dialed' "$E2E_DIR/race-$i.log" ||
		fail "simultaneous call $i does not say the peer is being dialed: $(cat "$E2E_DIR/race-$i.log")"
done
CALL_PID=${pids[winner - 1]}
CALL_LOG=$E2E_DIR/race-$winner.log
call_running || fail "the call that brought the link up has ended"
[ -S /run/sshdial/e2e-two.sock ] || fail "the control socket of the running call is gone"

# --- a second call while the first is up -----------------------------------------------
sock_before=$(stat -c '%i %Y' /run/sshdial/e2e-two.sock) || fail "no control socket while up"
journal_before=$(stat -c '%i %s' /run/sshdial/e2e-two.journal) || fail "no journal while up"
route_before=$(ip -n "$E2E_CLI" route show 10.99.0.0/24)
second_call "$E2E_DIR/second.log"
assert_eq "$SECOND_RC" 1 "the second call's exit status"
grep -qE "error: e2e-two: already being dialed by sshdial pid $CALL_PID\b" "$E2E_DIR/second.log" ||
	fail "the second call's message does not name the peer and pid $CALL_PID: $(cat "$E2E_DIR/second.log")"
if grep -v 'already being dialed' "$E2E_DIR/second.log" | grep -q 'dialing '; then
	fail "the second call dialed: $(cat "$E2E_DIR/second.log")"
fi

call_running || fail "the first call ended"
assert_eq "$(stat -c '%i %Y' /run/sshdial/e2e-two.sock)" "$sock_before" "the first's control socket"
assert_eq "$(stat -c '%i %s' /run/sshdial/e2e-two.journal)" "$journal_before" "the first's journal"
assert_eq "$(ip -n "$E2E_CLI" route show 10.99.0.0/24)" "$route_before" "the first's route"
in_cli ping -c 2 -W 5 10.99.0.1 >/dev/null || fail "the first link no longer carries traffic"

call_stop
assert_eq "$CALL_RC" 0
grep -q 'removed 1 route' "$CALL_LOG" || fail "the first call did not report removing its route"
assert_nothing_left e2e-two
left=$(find /run/sshdial -mindepth 1 -maxdepth 1 -name 'e2e-two.*' -printf '%f\n')
[ -z "$left" ] || fail "files of e2e-two are left in /run/sshdial: $left"
