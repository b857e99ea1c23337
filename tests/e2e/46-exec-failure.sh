#!/bin/bash
# pppd or ssh that cannot be executed: the dial learns it from the event loop, not
# from a blocking wait, and the verdict stays what it was: a system failure (status 3) after
# one attempt, naming the program and the system's reason, with nothing left behind.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

peer_file e2e-exec "route 10.99.0.0/24"

# A private copy of each program, bind-mounted over it: executable by its mode (sshdial's
# own check passes) but not a program the kernel can run (execve fails with ENOEXEC).
_e2e_private_copy /usr/sbin/pppd
pppd_copy=$_e2e_copy
_e2e_private_copy /usr/bin/ssh
ssh_copy=$_e2e_copy

cp -p "$pppd_copy" "$E2E_DIR/pppd.real" || fail "cannot keep pppd"
printf 'not a program\n' >"$pppd_copy" || fail "cannot write $pppd_copy"
call_ends_once e2e-exec 3 "pppd not executable"
assert_match "$CALL_VERDICT" "^e2e-exec: cannot start pppd: /usr/sbin/pppd: Exec format error" \
	"the verdict"

cp -p "$E2E_DIR/pppd.real" "$pppd_copy" || fail "cannot restore $pppd_copy"
printf 'not a program\n' >"$ssh_copy" || fail "cannot write $ssh_copy"
call_ends_once e2e-exec 3 "ssh not executable"
assert_match "$CALL_VERDICT" "^e2e-exec: cannot start ssh: /usr/bin/ssh: Exec format error" \
	"the verdict"
