#!/bin/bash
# A spoofed ip-down, from root outside pppd and from a non-root user, is logged and
# dropped: the link stays up with its routes.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

peer_file e2e-spoof "route 10.99.0.0/24"
call_start e2e-spoof
call_wait_up
dev=$(ip -n "$E2E_CLI" -o link show type ppp | awk -F': ' '{ print $2 }' | head -n1)
args=("$dev" /dev/pts/0 0 "$E2E_TUN_CLIENT" "$E2E_TUN_SERVER" e2e-spoof)
if in_cli "$SSHDIAL" hook ip-down "${args[@]}" 2>"$E2E_DIR/spoof.err"; then
	fail "a spoofed ip-down from root was accepted"
fi
grep -q "not started by this link's pppd" "$CALL_LOG" || fail "the spoof from root was not logged"
# The installed binary: the build tree may be out of the account's reach (under /root).
# Refused by sshdial (status 2, its message to syslog: no terminal), not by the system
# refusing to run it (setpriv's 126 or 127).
in_cli setpriv --reuid="$E2E_LOCAL_USER" --regid="$E2E_LOCAL_USER" --clear-groups \
	"$E2E_SSHDIAL_INSTALLED" hook ip-down "${args[@]}" 2>"$E2E_DIR/spoof-user.err"
rc=$?
[ "$rc" != 0 ] || fail "a spoofed ip-down from $E2E_LOCAL_USER was accepted"
assert_eq "$rc" 2 "the exit status of the spoof from $E2E_LOCAL_USER ($(cat "$E2E_DIR/spoof-user.err"))"
call_running || fail "sshdial died from a spoofed event"
assert_match "$(ip -n "$E2E_CLI" route show 10.99.0.0/24)" "dev $dev"
in_cli ping -c 1 -W 5 "$E2E_TUN_SERVER" >/dev/null || fail "the link went down"
call_stop
assert_eq "$CALL_RC" 0
