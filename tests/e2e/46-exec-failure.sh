#!/bin/bash
# (issue 9) pppd or ssh that cannot be executed: the dial learns it from the event loop, not
# from a blocking wait, and the verdict stays what it was: a system failure (status 3) after
# one attempt, naming the program and the system's reason, with nothing left behind.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

peer_file e2e-exec "route 10.99.0.0/24"

# A private copy of each program, bind-mounted over it, without its execute bits.
_e2e_private_copy /usr/sbin/pppd
pppd_copy=$_e2e_copy
_e2e_private_copy /usr/bin/ssh
ssh_copy=$_e2e_copy

chmod a-x "$pppd_copy" || fail "cannot chmod $pppd_copy"
call_ends_once e2e-exec 3 "pppd not executable"
assert_match "$CALL_VERDICT" "^e2e-exec: cannot start pppd: /usr/sbin/pppd: Permission denied" \
	"the verdict"

chmod a+x "$pppd_copy" || fail "cannot chmod $pppd_copy"
chmod a-x "$ssh_copy" || fail "cannot chmod $ssh_copy"
call_ends_once e2e-exec 3 "ssh not executable"
assert_match "$CALL_VERDICT" "^e2e-exec: cannot start ssh: /usr/bin/ssh: Permission denied" \
	"the verdict"
