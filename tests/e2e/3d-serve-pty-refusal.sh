#!/bin/bash
# A server whose `sshdial serve`
# refuses the link on the pty transport: its lease directory is not writable by the serve
# account.  serve says so on its stderr and exits 3; the client's verdict quotes serve's
# line, as on the frame transport (3c), rather than "ssh exited with status 3": exit
# status 2 after exactly one attempt, nothing left behind on either end.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh

serve_setup "key alice" "address 192.168.77.10"
serve_key alice
serve_peer alice "$SERVE_KEY" "transport pty" "route 10.99.0.0/24"
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name alice)"
# Readable, not writable, by the serve accounts' group.
chmod 2750 "$SERVE_LEASES" || fail "cannot chmod $SERVE_LEASES"

call_ends_once alice 2 "lease directory not writable (pty)"
case "$CALL_VERDICT" in
*"refused the link: 'sshdial serve: key alice: cannot open lease file $SERVE_LEASES/192.168.77.10: Permission denied"*) ;;
*) fail "the verdict does not quote the server's refusal: $CALL_VERDICT" ;;
esac
grep -qE "error: .*ssh exited with status" "$CALL_LOG" &&
	fail "the refusal was taken for ssh's status: $(grep 'error: ' "$CALL_LOG")"
assert_eq "$(serve_pppd_count)" 0 "pppd processes in the server after the refusal"
assert_eq "$(ls -A "$SERVE_LEASES")" "" "lease files after the refusal"
