#!/bin/bash
# (e) The classic recipe's pppd peer file, with its secret in /etc/ppp/pap-secrets, dials
# unchanged: sshdial finds it in /etc/ppp/peers and runs its pty command.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

cat >/etc/ppp/peers/e2e-classic <<EOP
pty 'ssh -e none pppuser@$E2E_SERVER_IP false'
user pppuser
linkname pppoverssh
noauth
EOP
grep -q '^pppuser \* ' /etc/ppp/pap-secrets || fail "the test bed has no pap-secrets entry"
"$SSHDIAL" check e2e-classic >/dev/null || fail "sshdial check rejects the classic file"
call_start e2e-classic
call_wait_up
[ -e /var/run/ppp-pppoverssh.pid ] || [ -e /run/ppp-pppoverssh.pid ] ||
	fail "pppd did not use the file's linkname (no ppp-pppoverssh.pid)"
in_cli ping -c 2 -W 5 "$E2E_TUN_SERVER" >/dev/null || fail "cannot ping through the link"
call_stop
assert_eq "$CALL_RC" 0
assert_nothing_left e2e-classic
