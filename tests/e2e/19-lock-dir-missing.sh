#!/bin/bash
# A local system failure is not redialed: with the lock directory missing, pppd
# cannot create its lock file (pppd exit 6). sshdial ends with status 3 after one attempt
# and names the lock file.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

# /run is the test bed's own tmpfs; /var/lock is a link to /run/lock on Debian.
rm -rf /run/lock || fail "cannot remove /run/lock"
[ ! -d /var/lock ] || fail "/var/lock still exists (is it not a link to /run/lock?)"
peer_file e2e-lock "route 10.99.0.0/24"
call_ends_once e2e-lock 3 "lock directory missing"
assert_match "$CALL_VERDICT" "cannot create its lock file /[^ ]*LCK\.\.[^ ]*: No such file or directory" \
	"the verdict"
