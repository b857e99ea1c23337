#!/bin/bash
# Foreign text cannot drive the terminal: what the server prints and what a peer file
# holds reach sshdial's messages with every control character escaped (\x1b, \u009b),
# bytes that are not UTF-8 as \xNN, and UTF-8 text as it is.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

# The server's forced command sets the window title, clears the screen, sends a C1 CSI
# (U+009B, in UTF-8) and an invalid byte, then some UTF-8, and hangs up.
evil="$E2E_PPPUSER_HOME/evil.sh"
cat >"$evil" <<'SH'
#!/bin/sh
printf 'evil: \033]0;pwned\007\033[2J\302\233\377 caf\303\251\r\n' >&2
exit 1
SH
chown pppuser:pppuser "$evil"
chmod 755 "$evil"
e2e_authorize "command=\"$evil\",no-pty,no-agent-forwarding,no-X11-forwarding $E2E_DIALER_PUBKEY"

# count_controls FILE: the control bytes in FILE other than newline, raw C1 included.
count_controls() {
	LC_ALL=C tr -d '\n' <"$1" | LC_ALL=C tr -d '\040-\176\200-\377' | wc -c
}
assert_no_controls() {
	local n
	n=$(count_controls "$1")
	[ "$n" = 0 ] || fail "$2 holds $n raw control byte(s): $(od -c "$1" | grep -m3 '\\033\|\\a\|\\r')"
	if LC_ALL=C grep -q $'\xc2[\x80-\x9f]' "$1"; then fail "$2 holds a raw C1 control"; fi
}

peer_file e2e-esc "route 10.99.0.0/24"
call_start e2e-esc
wait_for 90 grep -q 'pwned' "$CALL_LOG" || fail "the server's message never reached sshdial's log"
if call_running; then call_stop; else call_wait_exit 10; fi
assert_no_controls "$CALL_LOG" "sshdial call's output"
grep -qF 'evil: \x1b]0;pwned\x07\x1b[2J\u009b\xff café' "$CALL_LOG" ||
	fail "the server's message is not shown escaped: $(grep -m1 pwned "$CALL_LOG" | od -c | head -5)"
assert_nothing_left e2e-esc

# A peer file's text, quoted by a diagnostic: check and call print it escaped too.
peer_file e2e-esc-conf "route 10.99.0.0/24" $'\e]0;pwned\a\e[2Jkeyword 1'
out="$E2E_DIR/check.log"
in_cli "$SSHDIAL" check --peers-dir "$E2E_PEERS" e2e-esc-conf >"$out" 2>&1
assert_eq "$?" 1 "sshdial check's exit status"
assert_no_controls "$out" "sshdial check's output"
grep -qF '\x1b]0;pwned\x07\x1b[2J' "$out" || fail "check does not show the escape sequence escaped: $(cat -v "$out")"
in_cli "$SSHDIAL" call --peers-dir "$E2E_PEERS" e2e-esc-conf >"$out" 2>&1
assert_eq "$?" 1 "sshdial call's exit status for a bad peer file"
assert_no_controls "$out" "sshdial call's output for a bad peer file"
grep -qF '\x1b]0;pwned\x07\x1b[2J' "$out" || fail "call does not show the escape sequence escaped: $(cat -v "$out")"
