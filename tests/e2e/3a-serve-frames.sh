#!/bin/bash
# Server (a): a client asking for the frame transport ('transport frames') gets it from
# `sshdial serve`: the server's pppd runs on an L2TP session (pppol2tp, no notty) as
# pppuser, beside a relay child of serve; the link carries traffic, and ending it ends
# both and frees the lease, also when the client is killed outright.  A server that cannot (its frames options file missing) says
# why in its log and serves the pty transport; the client then stops with a message
# that says what to set.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh

serve_setup "key alice" "address 192.168.77.10"
serve_key alice
alice=$SERVE_KEY
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$alice.pub" --name alice)"
[ -r /etc/ppp/peers/sshdial-serve-frames-noauth ] && grep -qx 'plugin pppol2tp.so' /etc/ppp/peers/sshdial-serve-frames-noauth ||
	fail "authorize --install wrote no frames options file: $(cat "$E2E_DIR/log/install.log")"

serve_peer alice "$alice" "transport frames"
call_start alice
call_wait_up 120
note "link up over the frame transport after ${CALL_UP_AFTER}s"
grep -q 'sshdial-serve.*key alice: starting pppd for 192.168.77.10 (fixed address), frame transport' "$SERVE_LOG" ||
	fail "serve did not start pppd on the frame transport: $(grep sshdial-serve "$SERVE_LOG")"
args=$(ip netns pids "$E2E_SRV" | xargs -r ps -o args= -p | grep '^/usr/sbin/pppd ' || true)
case $args in
*" call sshdial-serve-frames-noauth pppol2tp "*) ;;
*) fail "the server's pppd is not on the L2TP session: $args" ;;
esac
case $args in *notty*) fail "the server's pppd was given notty: $args" ;; esac
in_srv ping -c 3 -W 5 192.168.77.10 >/dev/null || fail "the server cannot ping alice through the link"
in_cli ping -c 3 -W 5 192.168.77.1 >/dev/null || fail "alice cannot ping the server through the link"

call_stop
assert_eq "$CALL_RC" 0 "alice's exit status"
wait_for 90 sh -c "! ip netns pids '$E2E_SRV' | xargs -r ps -o comm= -p | grep -qE '^(pppd|sshdial)$'" ||
	fail "the server's pppd or relay outlived the link: $(ip netns pids "$E2E_SRV" | xargs -r ps -o pid=,args= -p)"
# What the relay carried: one line (not one per layer), every counter in it.
relay_lines=$(grep -E 'sshdial-serve.*key alice: frame relay' "$SERVE_LOG" || true)
note "${relay_lines#* key }"
assert_eq "$(printf '%s' "$relay_lines" | grep -c .)" 1 "the server's lines on what the relay carried"
assert_match "$relay_lines" 'key alice: frame relay ended: [1-9][0-9]* frames \([1-9][0-9]* bytes\) to the client, [1-9][0-9]* frames \([1-9][0-9]* bytes\) from it; dropped: [0-9]+ late \(CoDel\), [0-9]+ on a full queue, [0-9]+ not taken by the kernel, [0-9]+ not data, [0-9]+ not proven our session.s; 0 foreign sessions$' \
	"the server's line on what the relay carried"
# The relay ended pppd when the channel ended (rather than leaving it to the kernel).
! grep -q 'did not end within' "$SERVE_LOG" || fail "the relay did not end pppd: $(grep sshdial-serve "$SERVE_LOG")"
wait_for 30 flock -n "$SERVE_LEASES/192.168.77.10" true || fail "alice's lease is still held"

# The client gone at once (killed, its TCP connection closed by its kernel): the relay
# sees the channel end and ends pppd, which has no LCP goodbye to go by.
call_start alice
call_wait_up 120
in_srv ping -c 2 -W 5 192.168.77.10 >/dev/null || fail "the server cannot ping alice after the second dial"
ip netns pids "$E2E_CLI" | xargs -r kill -KILL
wait_for 90 sh -c "! ip netns pids '$E2E_SRV' | xargs -r ps -o comm= -p | grep -qE '^(pppd|sshdial)$'" ||
	fail "the server's pppd or relay outlived the killed client: $(ip netns pids "$E2E_SRV" | xargs -r ps -o pid=,args= -p)"
grep -q 'sshdial-serve.*key alice: the ssh channel .*; ending pppd' "$SERVE_LOG" ||
	fail "the relay did not end pppd when the channel ended: $(grep sshdial-serve "$SERVE_LOG")"
! grep -q 'did not end within' "$SERVE_LOG" || fail "pppd did not end on the relay's SIGTERM: $(grep sshdial-serve "$SERVE_LOG")"
wait_for 30 flock -n "$SERVE_LEASES/192.168.77.10" true || fail "alice's lease is still held after the kill"

# A server without the frames options file: the pty transport, and the reason, logged.
rm /etc/ppp/peers/sshdial-serve-frames-noauth
call_start alice
call_wait_exit 120
# A failure that dialing again cannot cure: status 2 (sshdial(8), EXIT STATUS).
assert_eq "$CALL_RC" 2 "the client's exit status after the server answered without frames"
grep -q "sshdial-serve.*key alice: the client asked for the frame transport, but /etc/ppp/peers/sshdial-serve-frames-noauth cannot be read" "$SERVE_LOG" ||
	fail "serve did not say why it fell back: $(grep sshdial-serve "$SERVE_LOG")"
grep -q "the server did not answer with sshdial's frame transport: it sent plain PPP" "$CALL_LOG" ||
	fail "the client did not say that the server answered with plain PPP: $(cat "$CALL_LOG")"
grep -q "'transport pty'" "$CALL_LOG" || fail "the client's message did not say what to set"
