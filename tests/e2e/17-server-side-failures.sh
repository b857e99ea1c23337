#!/bin/bash
# The server cannot start the link, and redialing cannot change that: its forced
# command is not executable (ssh exits 126) or does not exist (127), its pppd rejects an
# option, or its pppd finds no PAP secret for the client. Each ends sshdial with status 2
# after exactly one attempt, with a message that says it is the server's side and names
# the path or quotes the server's pppd.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

peer_file e2e-srv "route 10.99.0.0/24"
key_opts="no-pty,no-agent-forwarding,no-X11-forwarding"

# A script without the exec bit, and a path that does not exist (quoted: the checkout and
# $TMPDIR may hold spaces).
noexec=$E2E_PPPUSER_HOME/ppp-noexec
printf '#!/bin/sh\nexec %s\n' "$E2E_PPPD_SERVER_CMD" >"$noexec" &&
	chown pppuser:pppuser "$noexec" && chmod 644 "$noexec" || fail "cannot write $noexec"
missing=$E2E_PPPUSER_HOME/no-such-dir/pppd

e2e_authorize "command=\"'$noexec'\",$key_opts $E2E_DIALER_PUBKEY"
call_ends_once e2e-srv 2 "forced command not executable"
assert_match "$CALL_VERDICT" "server cannot run .*'$noexec' is not executable" "the verdict"

e2e_authorize "command=\"'$missing'\",$key_opts $E2E_DIALER_PUBKEY"
call_ends_once e2e-srv 2 "forced command missing"
assert_match "$CALL_VERDICT" "server cannot run .*'$missing' does not exist" "the verdict"

e2e_authorize "command=\"$E2E_PPPD_SERVER_CMD frobnicate\",$key_opts $E2E_DIALER_PUBKEY"
call_ends_once e2e-srv 2 "server pppd option error"
assert_match "$CALL_VERDICT" "server's pppd refused to start .*unrecognized option 'frobnicate'" \
	"the verdict"

# No pap-secrets entry for the client: the server's pppd will not start with require-pap.
# (/etc/ppp is the test bed's private copy, bind-mounted: write it in place.)
e2e_authorize "command=\"$E2E_PPPD_SERVER_CMD\",$key_opts $E2E_DIALER_PUBKEY"
grep -v '^pppuser ' /etc/ppp/pap-secrets >"$E2E_DIR/pap-secrets.new" &&
	cat "$E2E_DIR/pap-secrets.new" >/etc/ppp/pap-secrets || fail "cannot edit /etc/ppp/pap-secrets"
call_ends_once e2e-srv 2 "no PAP secret on the server"
assert_match "$CALL_VERDICT" \
	"server's pppd refused to start .*'[^']*pppd: The remote system is required to authenticate itself" \
	"the verdict"
