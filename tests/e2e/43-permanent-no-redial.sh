#!/bin/bash
# Permanent failures are not redialed: a wrong PAP secret (pppd exit 19),
# then a key the server does not accept (Permission denied). Each ends sshdial with
# status 2 after exactly one attempt and leaves nothing behind. sshdial is watched from
# its start until it exits (at most 150 s; a redial loop would still be running then), so
# every attempt it made is in its log.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

# permanent NAME WHAT ERE: run NAME's call; one attempt, exit 2, a message matching ERE.
permanent() {
	call_start "$1"
	call_wait_exit 150
	note "$2: sshdial exited with status $CALL_RC after $(since "$CALL_STARTED")s"
	assert_eq "$(call_attempts)" 1 "$2: dial attempts"
	# (A redial is announced as 'link down: ...; dialing again ...'; transport auto's
	# "answered without the frame transport ...; dialing again over a pseudo-terminal" is
	# the same attempt going on over the pty, not a redial.)
	assert_eq "$(call_count "$LINK_DOWN_RE")" 0 "$2: redials announced"
	assert_eq "$CALL_RC" 2 "$2: exit status"
	grep -qE -- "$3" "$CALL_LOG" || fail "$2: no message matching /$3/"
	assert_nothing_left "$1"
}

wrong=$E2E_DIR/wrong-secret
printf 'not-the-secret\n' >"$wrong"
chmod 600 "$wrong"
peer_file e2e-pap "route 10.99.0.0/24"
sed -i "s|^pap-password-file .*|pap-password-file $wrong|" "$E2E_PEERS/e2e-pap"
permanent e2e-pap "wrong PAP secret" 'PAP'

# A key of the dialer's that pppuser's authorized_keys does not hold.
stranger=$E2E_DIALER_HOME/.ssh/id_stranger
ssh-keygen -q -t ed25519 -N '' -C stranger -f "$stranger" && chown dialer:dialer "$stranger"* ||
	fail "ssh-keygen failed"
peer_file e2e-key "route 10.99.0.0/24"
sed -i "s|^identity .*|identity $stranger|" "$E2E_PEERS/e2e-key"
permanent e2e-key "refused key" 'Permission denied'
