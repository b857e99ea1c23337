#!/bin/bash
# Secure POP, as the old recipe: a forward-only peer ('link no') forwards a local
# port to Debian's dovecot, which listens only on the server's loopback, and curl reads the
# mailbox through it. The key gets exactly that forward (sshdial authorize --forward-only).
# The path goes silent: the dead connection is found within seconds, the peer dials again,
# and once the path is back the forward is too and the next fetch works.
# Both times asserted, with generous bounds: the dead connection found within
# 15 s (ssh's keepalives for a forward-only peer: ssh_argv.c, 3 x 1 s), and forwarding
# again within one handshake (the longer of the two 'up after' lines) + the link's longest
# backoff (30 s) + 5 s of the path's return.
E2E_TOPOLOGY=routed
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/forward.sh

fwd_dovecot_start
serve_key mail
line=$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name mail --forward-only \
	--permit-open 127.0.0.1:110) || fail "authorize --forward-only failed"
assert_match "$line" '^restrict,port-forwarding,permitopen="127\.0\.0\.1:110",permitlisten="[^"]+",command="[^"]* serve --forward-only --key mail" ssh-ed25519 ' \
	"the forward-only line"
serve_authorize "$line"
fwd_peer e2e-pop "link no" "forward local 1110 127.0.0.1:110"

call_start e2e-pop
call_wait_up 120
wait_for 60 grep -q 'forward local 1110 -> 127.0.0.1:110: set up' "$CALL_LOG" ||
	fail "the forward was not set up (see $CALL_LOG)"
note "up and forwarding ${CALL_UP_AFTER}s after start"
[ -z "$(cli_pids pppd)" ] || fail "a forward-only peer started pppd"
mail=$(fwd_pop_fetch 1110) || fail "curl could not fetch through the forward"
assert_match "$mail" 'Subject: sshdial-e2e-pop' "the message fetched"
[ -S "/run/sshdial-ssh/e2e-pop/ctl" ] || fail "no control socket in /run/sshdial-ssh/e2e-pop"
assert_eq "$(stat -c '%U %a' /run/sshdial-ssh/e2e-pop)" "$E2E_LOCAL_USER 700" "the control directory"

e2e_blackhole_on
t_off=$(now)
call_wait_count 1 "$LINK_DOWN_RE" 60 || fail "no 'link down' within 60 s of the blackhole (see $CALL_LOG)"
took=$(since "$t_off")
note "dead connection found ${took}s after the path went silent: $(grep -E "$LINK_DOWN_RE" "$CALL_LOG" | head -n1)"
awk -v d="$took" 'BEGIN { exit !(d <= 15) }' ||
	fail "the dead connection was found only ${took}s after the path went silent, more than 15 s (ssh's keepalives: 3 x 1 s)"
call_running || fail "sshdial ended when the path went silent"
sleep 3
e2e_blackhole_off
t_on=$(now)
call_wait_up_n 2 150
wait_for 60 eval "[ \$(grep -c 'forward local 1110 -> 127.0.0.1:110: set up' '$CALL_LOG') -ge 2 ]" ||
	fail "the forward was not set up again after the redial (see $CALL_LOG)"
took=$(since "$t_on")
up_after() { grep -oE ': up after [0-9.]+ s' "$CALL_LOG" | sed -n "${1}p" | grep -oE '[0-9.]+'; }
hs=$(awk -v a="$(up_after 1)" -v b="$(up_after 2)" 'BEGIN { printf "%.1f", (a > b ? a : b) }')
note "forwarding again ${took}s after the path came back (handshake ${hs}s)"
awk -v d="$took" -v h="$hs" 'BEGIN { exit !(d <= h + 30 + 5) }' ||
	fail "forwarding again only ${took}s after the path came back, more than the handshake (${hs}s) + the longest backoff (30 s) + 5 s"
mail=$(fwd_pop_fetch 1110) || fail "curl could not fetch after the path came back"
assert_match "$mail" 'Subject: sshdial-e2e-pop' "the message fetched after the redial"

kill -USR1 "$CALL_PID"
call_wait_count 1 ': status: forward local 1110 -> 127.0.0.1:110: up$' 10 ||
	fail "the status does not show the forward up: $(grep ': status: ' "$CALL_LOG")"
call_stop
assert_eq "$CALL_RC" 0
assert_nothing_left e2e-pop
[ ! -e /run/sshdial-ssh/e2e-pop ] || fail "/run/sshdial-ssh/e2e-pop is left over"
