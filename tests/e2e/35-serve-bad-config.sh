#!/bin/bash
# Server (f): a malformed server.conf, or a malformed option on an authorized_keys line, is
# refused with a FILE:LINE message (in syslog/the log-file, and to the client through
# ssh); a link that is already up is not disturbed.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh

good=("key alice" "address 192.168.77.10" "key bob" "address 192.168.77.11")
serve_setup "${good[@]}"
serve_key alice
alice=$SERVE_KEY
serve_key bob
bob=$SERVE_KEY
alice_line=$("$SERVE_SSHDIAL" authorize --key "$alice.pub" --name alice)
bob_line=$("$SERVE_SSHDIAL" authorize --key "$bob.pub" --name bob)
serve_authorize "$alice_line" "$bob_line"
serve_peer alice "$alice"
serve_peer bob "$bob"

call_start alice
alice_pid=$CALL_PID alice_log=$CALL_LOG
call_wait_up 90
in_cli ping -c 1 -W 5 "$E2E_TUN_SERVER" >/dev/null || fail "alice's link carries no traffic"

# refused WHAT MESSAGE [no-log]: bob dials, and both his log (ssh's stderr) and the
# server's log-file show MESSAGE (only syslog, when server.conf itself is what is broken,
# since it names the log-file); alice's link still works.
refused() {
	call_start bob
	wait_for 90 grep -qF -- "$2" "$CALL_LOG" || fail "$1: bob's log lacks '$2'"
	[ "${3:-}" = no-log ] || grep -qF -- "$2" "$SERVE_LOG" || fail "$1: the server's log lacks '$2'"
	! grep -q ': up after ' "$CALL_LOG" || fail "$1: bob's link came up"
	call_stop
	CALL_PID=$alice_pid call_running || fail "$1: alice's sshdial ended"
	in_cli ping -c 1 -W 5 "$E2E_TUN_SERVER" >/dev/null || fail "$1: alice's link was disturbed"
	note "$1: refused, alice's link undisturbed"
}

# The 8th line of server.conf (after the 7 base lines) is malformed.
serve_conf "mtu lots" "${good[@]}"
msg="/etc/sshdial/server.conf:8: mtu: 'lots' is not a number from 128 to 16384"
out=$("$SERVE_SSHDIAL" serve --check 2>&1) && fail "serve --check accepted the bad file"
assert_eq "$out" "$msg" "serve --check"
refused "server.conf" "sshdial serve: key bob: $msg" no-log

serve_conf "${good[@]}"
serve_authorize "$alice_line" "${bob_line/--key bob/--key bob --mtu huge}"
refused "authorized_keys option" \
	"key bob: $E2E_AUTHORIZED_KEYS:2: mtu: 'huge' is not a number from 128 to 16384"
serve_authorize "$alice_line" "${bob_line/--key bob/--key bob --route 10.0.0.0/8}"
refused "authorized_keys route" \
	"key bob: $E2E_AUTHORIZED_KEYS:2: route: not allowed on an authorized_keys line; set it in the key's section of /etc/sshdial/server.conf"

CALL_PID=$alice_pid CALL_LOG=$alice_log call_stop
assert_eq "$CALL_RC" 0 "alice's exit status"
