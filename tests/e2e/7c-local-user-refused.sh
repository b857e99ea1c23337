#!/bin/bash
# route-all refuses a local-user that other programs run as: its traffic
# stays outside the link, so theirs would too.  nobody (shared by daemons) is refused by
# `check` and by `call`, each saying why; so is dialer while it runs a process that is not
# sshdial's (a sleep standing for a login or a service).  dialer with nothing running is
# accepted, and its own ssh under sshdial does not count.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

peer_file e2e-nobody "route-all yes"
sed -i "s/^local-user .*/local-user nobody/" "$E2E_PEERS/e2e-nobody"
out=$(in_cli "$SSHDIAL" check --peers-dir "$E2E_PEERS" e2e-nobody 2>&1)
rc=$?
assert_eq "$rc" 1 "check of local-user nobody with route-all ($out)"
assert_match "$out" "local-user 'nobody' \(uid 65534\) is nobody, the account that daemons share" \
	"check's reason"
call_start e2e-nobody
call_wait_exit 60
assert_eq "$CALL_RC" 1 "call of local-user nobody with route-all"
grep -q "e2e-nobody: route-all: local-user 'nobody' (uid 65534) is nobody" "$CALL_LOG" ||
	fail "call did not say why it refused nobody"
note "nobody refused by check and call"

peer_file e2e-busy "route-all yes" "transport pty"
out=$(in_cli "$SSHDIAL" check --peers-dir "$E2E_PEERS" e2e-busy 2>&1) ||
	fail "check of $E2E_LOCAL_USER with nothing running refused: $out"
# Not through in_cli: a function put in the background is a subshell, and $! would be its pid.
ip netns exec "$E2E_CLI" setpriv --reuid="$E2E_LOCAL_USER" --regid="$E2E_LOCAL_USER" --clear-groups \
	sleep 600 &
busy=$!
wait_for 30 pgrep -u "$E2E_LOCAL_USER" -x sleep >/dev/null || fail "the sleep as $E2E_LOCAL_USER did not start"
out=$(in_cli "$SSHDIAL" check --peers-dir "$E2E_PEERS" e2e-busy 2>&1)
rc=$?
assert_eq "$rc" 1 "check of a local-user running a sleep ($out)"
assert_match "$out" "local-user '$E2E_LOCAL_USER' \(uid [0-9]+\) runs 1 process that is not sshdial's \(pid [0-9]+, sleep\)" \
	"check's reason"
call_start e2e-busy
call_wait_exit 60
assert_eq "$CALL_RC" 1 "call of a local-user running a sleep"
grep -q "e2e-busy: route-all: local-user '$E2E_LOCAL_USER' .* runs 1 process that is not sshdial's" "$CALL_LOG" ||
	fail "call did not say why it refused $E2E_LOCAL_USER"
kill "$busy"
wait "$busy" 2>/dev/null
wait_for 30 sh -c "! pgrep -u '$E2E_LOCAL_USER' >/dev/null" || fail "the sleep did not end"
note "a busy account refused by check and call"

# Nothing else running: accepted, and ssh under sshdial is sshdial's own.
call_start e2e-busy
call_wait_up 300
out=$(in_cli "$SSHDIAL" check --peers-dir "$E2E_PEERS" e2e-busy 2>&1) ||
	fail "check refused $E2E_LOCAL_USER while only sshdial's ssh runs as it: $out"
call_stop
assert_eq "$CALL_RC" 0
note "accepted with only sshdial's own ssh running as $E2E_LOCAL_USER"
