#!/bin/bash
# A pty command without local-user runs as uid 0: `sshdial check` says that
# this is root-equivalent and how to avoid it. The safer set-up works: an sshdial peer
# file with the classic pty command and `local-user dialer` dials, and the command (and
# the ssh it runs) runs as dialer, not as uid 0.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

cat >/etc/ppp/peers/e2e-classic <<EOP
pty 'ssh -e none pppuser@$E2E_SERVER_IP false'
user pppuser
noauth
EOP
out=$E2E_DIR/check.out
"$SSHDIAL" check e2e-classic >"$out" 2>&1 || fail "sshdial check rejects the classic file: $(cat "$out")"
grep -q "^e2e-classic: warning: the pty command runs as uid 0, without capabilities but owning root's files" "$out" ||
	fail "check does not warn that the pty command is root-equivalent: $(cat "$out")"
grep -q "write an sshdial peer file /etc/sshdial/peers/e2e-classic with the same pty command, 'local-user NAME'" "$out" ||
	fail "check does not offer the safer set-up: $(cat "$out")"

cat >"$E2E_PEERS/e2e-pty-user" <<EOP
pty ssh -e none -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=$E2E_KNOWN_HOSTS -i $E2E_IDENTITY pppuser@$E2E_SERVER_IP false
local-user $E2E_LOCAL_USER
pap-user $E2E_PAP_USER
pap-password-file $E2E_PAP_FILE
route 10.99.0.0/24
health no
EOP
in_cli "$SSHDIAL" check --peers-dir "$E2E_PEERS" e2e-pty-user >"$out" 2>&1 ||
	fail "check refuses pty with local-user: $(cat "$out")"
grep -q 'warning' "$out" && fail "check warns about a pty command with local-user: $(cat "$out")"
call_start e2e-pty-user
call_wait_up
users=$(ip netns pids "$E2E_CLI" | xargs -r ps -o user=,comm= -p | awk '$2 == "ssh" || $2 == "sh" { print $1 }' | sort -u)
note "the pty command's processes run as: $users"
assert_eq "$users" "$E2E_LOCAL_USER" "the owner of the pty command and its ssh"
call_stop
assert_eq "$CALL_RC" 0
assert_nothing_left e2e-pty-user
