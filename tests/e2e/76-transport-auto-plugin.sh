#!/bin/bash
# transport auto on a machine that gets pppd's L2TP plugin while the link runs:
# the link starts without pppol2tp.so on the client (the server, `sshdial serve`, has it),
# logs once why it dials the pty and comes up over the pty; the SIGUSR1 status line says
# 'transport pty'.  The plugin is installed, the link redials (its ssh killed), and the
# next attempt dials the frame transport without a restart: pppd on the L2TP plugin, a
# tunnel in the client, the status line says 'transport frames', pings pass.  SIGTERM
# leaves nothing running, no tunnel, and the routes as they were.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/frames.sh

frames_setup
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$alice.pub" --name alice)"
PTY_RE='^sshdial: alice: dialing over a pseudo-terminal: this machine cannot dial the frame transport \(pppd.s plugin /usr/lib/pppd/[0-9.]+/pppol2tp\.so: No such file or directory\)$'

# No plugin on the client: the pty, said once.
frames_hide_plugin
call_start alice
call_wait_up 150
note "up over the pty ${CALL_UP_AFTER}s after start"
assert_eq "$(call_count "$PTY_RE")" 1 "lines saying why the pty (see $CALL_LOG)"
case "$(pppd_on)" in *'/usr/sbin/pppd /dev/pts/'*) ;; *) fail "pppd is not on a pseudo-terminal: $(pppd_on)" ;; esac
assert_eq "$(tunnels "$E2E_CLI")" "" "L2TP tunnels in the client while up over the pty"
status=$(call_status_line)
note "${status#sshdial: }"
assert_match "$status" ": status: state up, server $E2E_SERVER_IP, transport pty, attempts 1, " "the status line over the pty"
ping_through 10.99.0.1

# The plugin installed; the link redials (not restarted): frames.
frames_show_plugin "$CALL_PID"
cli_pids ssh | xargs -r kill
call_wait_up_n 2 150
on=$(pppd_on)
note "after the redial, pppd: $on"
case "$on" in *" plugin pppol2tp.so pppol2tp "*) ;; *) fail "pppd is not on the L2TP plugin after the redial: $on" ;; esac
case "$on" in *'/dev/pts/'* | *'/dev/ptmx'*) fail "pppd runs on a pseudo-terminal after the redial: $on" ;; esac
tunnels "$E2E_CLI" | grep -q '^  SESSION ' || fail "no L2TP session in the client after the redial"
status=$(call_status_line)
note "${status#sshdial: }"
assert_match "$status" ": status: state up, server $E2E_SERVER_IP, transport frames, attempts [0-9]+, " "the status line over frames"
assert_eq "$(call_count "$PTY_RE")" 1 "lines saying why the pty, after the redial"
ping_through 10.99.0.1

call_stop
assert_eq "$CALL_RC" 0 "exit status after SIGTERM"
assert_nothing_left alice
assert_eq "$(tunnels "$E2E_CLI")" "" "L2TP tunnels left in the client"
assert_eq "$(client_routes)" "$FRAMES_ROUTES" "the client's routes"
