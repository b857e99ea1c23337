#!/bin/bash
# transport auto, the default: a peer file with no 'transport' line dials the
# frame transport when the server runs `sshdial serve` with it, and the pty otherwise.
# (a) Against `sshdial serve` (through the daemon): up over frames, the client's kernel
#     holds the L2TP tunnel, pppd has no pseudo-terminal, `status --json` says frames, and
#     pings pass.
# (b) Against a classic `pppd notty` forced command: the first dial is answered with plain
#     PPP, the log says so once, and the link comes up over the pty without backing off;
#     pings pass; a redial of the same link goes straight to the pty (the refusal is
#     remembered); SIGTERM leaves the routes byte-identical and nothing running.
# (c) Against `sshdial serve` whose frames options file is missing: serve says why and
#     answers the classic way, and the link comes up over the pty.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/daemon.sh
. tests/e2e/frames.sh

frames_setup
grep -q '^transport' "$E2E_PEERS/alice" && fail "the peer file names a transport"
FALLBACK_RE="warning: alice: $E2E_SERVER_IP answered without the frame transport \(plain PPP\); dialing again over a pseudo-terminal$"

# (a) sshdial serve: frames, with no keyword asking for them.
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$alice.pub" --name alice)"
daemon_start
out=$(ctl up alice 2>&1) || fail "sshdial up alice failed: $out"
note "(a) up through the daemon: $out"
assert_eq "$(field alice transport)" frames "(a) status --json's transport"
ctl status alice | grep -q '^alice: up, .*, transport frames' || fail "(a) sshdial status does not say frames: $(ctl status alice)"
echo "$(tunnels "$E2E_CLI")" | grep -q '^  SESSION ' || fail "(a) no L2TP session in the client namespace"
on=$(pppd_on)
note "(a) pppd: $on"
case "$on" in *" plugin pppol2tp.so pppol2tp "*) ;; *) fail "(a) pppd is not on the L2TP plugin: $on" ;; esac
case "$on" in *'/dev/pts/'* | *'/dev/ptmx'*) fail "(a) pppd runs on a pseudo-terminal: $on" ;; esac
grep -q 'sshdial-serve.*key alice: starting pppd for 192.168.77.10 (fixed address), frame transport' "$SERVE_LOG" ||
	fail "(a) serve did not start pppd on the frame transport: $(grep sshdial-serve "$SERVE_LOG")"
in_cli ping -c 3 -W 5 10.99.0.1 >/dev/null || fail "(a) cannot ping 10.99.0.1 through the link"
in_srv ping -c 2 -W 5 192.168.77.10 >/dev/null || fail "(a) the server cannot ping the client"
[ "$(grep -cE "$FALLBACK_RE" "$DAEMON_LOG")" = 0 ] || fail "(a) the daemon fell back to the pty"
daemon_stop
assert_eq "$DAEMON_RC" 0 "(a) the daemon's exit status"
assert_nothing_left alice
assert_eq "$(tunnels "$E2E_CLI")" "" "(a) L2TP tunnels left in the client"
assert_eq "$(client_routes)" "$FRAMES_ROUTES" "(a) the client's routes"

# (b) A classic server: plain PPP answers the frames attempt; the pty comes up.
serve_authorize "command=\"$E2E_PPPD_SERVER_CMD\",no-pty $(cat "$alice.pub")"
call_start alice
call_wait_up 150
note "(b) up ${CALL_UP_AFTER}s after start"
assert_eq "$(call_count "$FALLBACK_RE")" 1 "(b) lines saying the server refused frames"
assert_eq "$(call_count "$LINK_DOWN_RE")" 0 "(b) redials announced (a backoff) before it came up"
grep -q ": up after .* $E2E_TUN_CLIENT peer $E2E_TUN_SERVER," "$CALL_LOG" || fail "(b) not up with the classic server's addresses"
on=$(pppd_on)
note "(b) pppd: $on"
case "$on" in *'/usr/sbin/pppd /dev/pts/'*) ;; *) fail "(b) pppd is not on a pseudo-terminal: $on" ;; esac
assert_eq "$(tunnels "$E2E_CLI")" "" "(b) L2TP tunnels in the client while up over the pty"
in_cli ping -c 3 -W 5 "$E2E_TUN_SERVER" >/dev/null || fail "(b) cannot ping the server's end"
# The link redials (its ssh killed): the same server, straight over the pty.
cli_pids ssh | xargs -r kill
call_wait_up_n 2 150
assert_eq "$(call_count "$FALLBACK_RE")" 1 "(b) lines saying the server refused frames, after a redial"
case "$(pppd_on)" in *'/usr/sbin/pppd /dev/pts/'*) ;; *) fail "(b) pppd after the redial is not on a pseudo-terminal: $(pppd_on)" ;; esac
ping_through "$E2E_TUN_SERVER"
call_stop
assert_eq "$CALL_RC" 0 "(b) exit status after SIGTERM"
assert_nothing_left alice
assert_eq "$(client_routes)" "$FRAMES_ROUTES" "(b) the client's routes"

# (c) sshdial serve that cannot give frames (its options file missing): the pty.
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$alice.pub" --name alice)"
rm /etc/ppp/peers/sshdial-serve-frames-noauth
call_start alice
call_wait_up 150
note "(c) up ${CALL_UP_AFTER}s after start"
grep -q "sshdial-serve.*key alice: the client asked for the frame transport, but /etc/ppp/peers/sshdial-serve-frames-noauth cannot be read" "$SERVE_LOG" ||
	fail "(c) serve did not say why it answered the classic way: $(grep sshdial-serve "$SERVE_LOG")"
assert_eq "$(call_count "$FALLBACK_RE")" 1 "(c) lines saying the server refused frames"
case "$(pppd_on)" in *'/usr/sbin/pppd /dev/pts/'*) ;; *) fail "(c) pppd is not on a pseudo-terminal: $(pppd_on)" ;; esac
in_cli ping -c 3 -W 5 10.99.0.1 >/dev/null || fail "(c) cannot ping 10.99.0.1 through the link"
call_stop
assert_eq "$CALL_RC" 0 "(c) exit status after SIGTERM"
assert_nothing_left alice
assert_eq "$(client_routes)" "$FRAMES_ROUTES" "(c) the client's routes"
