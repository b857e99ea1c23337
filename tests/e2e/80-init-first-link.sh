#!/bin/bash
# From nothing to a first link with `sshdial init`: a client account with no key
# and no known_hosts runs only `sshdial init` (non-interactive, --accept-new-host-key), the
# server runs the command it printed (as step 5 of the README's "The server in five steps" installs a line),
# and `sshdial call` fetches a page from the network behind the server.  Also: a wrong
# --host-key-fingerprint exits 2 and writes nothing, no terminal and no answer exits 1 and
# writes nothing, an existing peer is not replaced without --force, and `check` names a
# missing identity and a known_hosts without the server's key.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/topo-inet.sh

inet_setup
serve_setup "masquerade yes"
# The server takes only what init's command installs; the client starts fresh.
rm -f "$E2E_AUTHORIZED_KEYS" "$E2E_DIALER_HOME"/.ssh/* || fail "cannot empty the accounts' ssh files"
install -d -m 755 /etc/sshdial/peers || fail "cannot make /etc/sshdial/peers"
E2E_PEERS=/etc/sshdial/peers
KEYS=/etc/sshdial/keys

init() {
	in_cli env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$SSHDIAL" init first --host "$E2E_SERVER_IP" \
		--ssh-user pppuser --local-user dialer --route 10.66.0.0/24 "$@" </dev/null
}
nothing_written() {
	[ -z "$(find "$E2E_PEERS" "$KEYS" -mindepth 1 -maxdepth 1 2>/dev/null)" ] ||
		fail "$1: files left: $(ls -lA "$E2E_PEERS" "$KEYS" 2>&1)"
}

# A fingerprint that is not the server's: status 2, the offered one named, nothing written.
real_fp=$(ssh-keygen -l -E sha256 -f "$E2E_DIR/sshd/ssh_host_ed25519_key.pub" 2>/dev/null | awk '{ print $2 }')
out=$(init --host-key-fingerprint SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA 2>&1)
assert_eq "$?" 2 "init with a wrong fingerprint: status ($out)"
assert_match "$out" "does not match SHA256:AAAA" "init with a wrong fingerprint: message"
[ -z "$real_fp" ] || assert_match "$out" "${real_fp//+/\\+}" "init with a wrong fingerprint: the offered key"
nothing_written "a wrong fingerprint"
note "a wrong fingerprint: status 2, nothing written"

# No terminal, nothing to answer the host key question: status 1, nothing written.
out=$(init 2>&1)
assert_eq "$?" 1 "init without a terminal or an answer: status ($out)"
assert_match "$out" "--accept-new-host-key" "init without an answer: message"
nothing_written "no answer"

# The real thing.
out=$(init --accept-new-host-key 2>"$E2E_DIR/log/init.err")
rc=$?
e2e_log "$E2E_DIR/log/init.err"
assert_eq "$rc" 0 "init: status ($out)"
pubkey=$(sed -n 1p <<<"$out")
command=$(sed -n 2p <<<"$out")
assert_match "$pubkey" '^ssh-ed25519 [A-Za-z0-9+/=]+ sshdial-first@[^ ]+$' "init's first line: the public key alone"
assert_match "$command" "^echo '.*' \\| sshdial authorize --name first --key /dev/stdin >> ~pppuser/\\.ssh/authorized_keys$" \
	"init's second line: the command for the server"
assert_eq "$(stat -c '%U %a' "$KEYS/first")" "dialer 600" "the private key's owner and mode"
grep -qF "$E2E_SERVER_IP" "$KEYS/first.known_hosts" || fail "the server is not in first.known_hosts"
note "init: $pubkey"

# The printed command, run on the server as root with the installed sshdial in PATH.
in_srv env PATH="$(dirname "$SERVE_SSHDIAL"):/usr/sbin:/usr/bin:/sbin:/bin" sh -c "$command" ||
	fail "the printed command failed on the server: $command"
grep -q "sshdial serve\\|serve --key first" "$E2E_AUTHORIZED_KEYS" ||
	fail "no serve line in authorized_keys: $(cat "$E2E_AUTHORIZED_KEYS")"

call_start first
call_wait_up 120
page=$(in_cli curl -sS -m 30 "http://$INET_IP/" 2>&1)
assert_eq "$page" "hello from the internet" "the page behind the server, through the link"
note "the page behind the server came through the link (up after ${CALL_UP_AFTER}s)"
call_stop
assert_eq "$CALL_RC" 0 "call's status after SIGTERM"

# An existing peer is kept without --force.
before=$(md5sum "$E2E_PEERS/first" "$KEYS/first" "$KEYS/first.known_hosts")
out=$(init --accept-new-host-key 2>&1)
assert_eq "$?" 1 "init over an existing peer: status ($out)"
assert_match "$out" "exists; pass --force" "init over an existing peer: message"
assert_eq "$(md5sum "$E2E_PEERS/first" "$KEYS/first" "$KEYS/first.known_hosts")" "$before" "the files after a refused init"

# check finds a missing identity and a known_hosts without the server's key.
check() { in_cli "$SSHDIAL" check --peers-dir "$E2E_PEERS" first 2>&1; }
out=$(check)
assert_eq "$?" 0 "check of init's peer ($out)"
mv "$KEYS/first" "$KEYS/first.away" || fail "cannot move the key"
out=$(check)
assert_eq "$?" 1 "check without the identity: status ($out)"
assert_match "$out" "identity $KEYS/first: no such file" "check without the identity: message"
mv "$KEYS/first.away" "$KEYS/first" && cp -p "$KEYS/first.known_hosts" "$E2E_DIR/kh" &&
	: >"$KEYS/first.known_hosts" || fail "cannot empty the known_hosts"
out=$(check)
assert_eq "$?" 1 "check without the host key: status ($out)"
assert_match "$out" "no host key for '$E2E_SERVER_IP' in the known_hosts" "check without the host key: message"
note "check names a missing identity and a missing host key"
