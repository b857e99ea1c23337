#!/bin/bash
# The daemon's text replies cannot drive root's terminal either: a server
# whose forced command prints escape sequences and fails for good reaches `sshdial up`'s
# answer and `sshdial status` with every control character escaped, as the log and
# --json already do (e2e 21 for `call`).
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/daemon.sh

# The forced command sets the window title, clears the screen, sends a C1 CSI and an
# invalid byte, then UTF-8, and exits 127 ("not found"): a permanent failure that quotes it.
evil="$E2E_PPPUSER_HOME/evil.sh"
cat >"$evil" <<'SH'
#!/bin/sh
printf 'evil: \033]0;pwned\007\033[2J\302\233\377 caf\303\251\r\n' >&2
exit 127
SH
chown pppuser:pppuser "$evil"
chmod 755 "$evil"
e2e_authorize "command=\"$evil\",no-pty,no-agent-forwarding,no-X11-forwarding $E2E_DIALER_PUBKEY"

count_controls() {
	LC_ALL=C tr -d '\n' <"$1" | LC_ALL=C tr -d '\040-\176\200-\377' | wc -c
}
assert_no_controls() {
	local n
	n=$(count_controls "$1")
	[ "$n" = 0 ] || fail "$2 holds $n raw control byte(s): $(od -c "$1" | grep -m3 '\\033\|\\a\|\\r')"
	if LC_ALL=C grep -q $'\xc2[\x80-\x9f]' "$1"; then fail "$2 holds a raw C1 control"; fi
}
escaped='evil: \x1b]0;pwned\x07\x1b[2J\u009b\xff café'

peer_file e2e-esc "route 10.99.0.0/24"
daemon_start
out=$E2E_DIR/up.out
ctl up --timeout 150 e2e-esc >"$out" 2>&1
rc=$?
note "sshdial up: exit $rc: $(cat -v "$out")"
assert_eq "$rc" 2 "sshdial up's exit status for a server that cannot run the command"
grep -q 'pwned' "$out" || fail "sshdial up's answer does not quote the server: $(cat -v "$out")"
assert_no_controls "$out" "sshdial up's answer"
grep -qF "$escaped" "$out" || fail "sshdial up's answer is not escaped as the log is: $(cat -v "$out")"

ctl status e2e-esc >"$out" 2>&1
assert_eq "$?" 4 "sshdial status's exit status for a peer that is not up"
grep -q 'pwned' "$out" || fail "status does not show the last failure: $(cat -v "$out")"
assert_no_controls "$out" "sshdial status's answer"
grep -qF "$escaped" "$out" || fail "sshdial status is not escaped as the log is: $(cat -v "$out")"

# --json stays JSON: its own escapes, decoded back to the server's bytes by jq.
ctl status --json >"$out" 2>&1 || fail "sshdial status --json failed"
assert_no_controls "$out" "sshdial status --json"
jq -e '.[0].last_failure | test("evil: \u001b]0;pwned")' "$out" >/dev/null ||
	fail "status --json does not carry the server's text as JSON: $(cat -v "$out")"
assert_no_controls "$DAEMON_LOG" "the daemon's log"
daemon_stop
