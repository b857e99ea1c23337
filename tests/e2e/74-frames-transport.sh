#!/bin/bash
# transport frames: a client whose peer file says 'transport frames' dials
# `sshdial serve` and the link carries PPP without a tty: the kernel's L2TP channel on both
# ends (/proc/net/pppol2tp lists a tunnel with a session), pppd on the plugin pppol2tp
# with no pseudo-terminal among its descriptors, ssh on pipes and never holding pppd's
# session socket.  Pings both ways and a 4 MB download through the link arrive whole.
# SIGTERM leaves no pppd, ssh, ppp device or tunnel, and the routes as they were.
# First, against a classic `pppd notty` forced command, the same peer ends after one
# attempt with exit status 2 and a message that says to write 'transport pty', leaving
# nothing behind.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/frames.sh

frames_setup "transport frames"

# A classic server: the forced command runs pppd on the channel, which answers with plain
# PPP.  One attempt, exit 2, and the message says what to write.
serve_authorize "command=\"$E2E_PPPD_SERVER_CMD\",no-pty $(cat "$alice.pub")"
call_ends_once alice 2 "classic pppd server"
case "$CALL_VERDICT" in
*"write 'transport pty' in $E2E_PEERS/alice"*) ;;
*) fail "the message does not say to write 'transport pty' in the peer file: $CALL_VERDICT" ;;
esac
assert_eq "$(tunnels "$E2E_CLI")" "" "L2TP tunnels left in the client after the classic server"
assert_eq "$(client_routes)" "$FRAMES_ROUTES" "the client's routes after the classic server"

# sshdial serve: the frame transport on both ends.
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$alice.pub" --name alice)"
call_start alice
call_wait_up 120
note "up ${CALL_UP_AFTER}s after 'sshdial call' started"
grep -q ': up after .* 192\.168\.77\.10 peer 192\.168\.77\.1,' "$CALL_LOG" ||
	fail "alice did not get 192.168.77.10: $(grep 'up after' "$CALL_LOG")"

# The frame transport is what carries the link, on both ends.
cli_tunnels=$(tunnels "$E2E_CLI")
srv_tunnels=$(tunnels "$E2E_SRV")
note "client: $(echo "$cli_tunnels" | tr -s ' \n' ' ')"
note "server: $(echo "$srv_tunnels" | tr -s ' \n' ' ')"
echo "$cli_tunnels" | grep -q '^  SESSION ' || fail "no L2TP session in the client namespace"
echo "$srv_tunnels" | grep -q '^  SESSION ' || fail "no L2TP session in the server namespace"
pppd=$(cli_pids pppd)
[ "$(echo "$pppd" | grep -c .)" = 1 ] || fail "expected one pppd in the client, found '$pppd'"
cmdline=$(tr '\0' ' ' <"/proc/$pppd/cmdline")
case " $cmdline " in
*" plugin pppol2tp.so pppol2tp "*) ;;
*) fail "the client's pppd does not run on the L2TP plugin: $cmdline" ;;
esac
pppd_fds=$(fd_targets "$pppd")
note "pppd: $pppd_fds"
case "$pppd_fds" in *'/dev/pts/'* | *'/dev/ptmx'*) fail "pppd holds a pseudo-terminal: $pppd_fds" ;; esac
session=$(echo "$cmdline" | sed -n 's/.* pppol2tp \([0-9]*\) .*/\1/p')
session_sock=$(readlink "/proc/$pppd/fd/$session")
assert_match "$session_sock" '^socket:\[[0-9]+\]$' "pppd's descriptor $session, the L2TP session"
for pid in $(cli_pids ssh); do
	ssh_fds=$(fd_targets "$pid")
	note "ssh ($pid): $ssh_fds"
	case "$ssh_fds" in *"->$session_sock "*) fail "ssh holds pppd's session socket: $ssh_fds" ;; esac
	case "$ssh_fds" in *'/dev/pts/'* | *'/dev/ptmx'*) fail "ssh holds a pseudo-terminal: $ssh_fds" ;; esac
	# (ssh moves its standard output to a descriptor of its own and puts /dev/null there.)
	assert_match "$(readlink "/proc/$pid/fd/0")" '^pipe:\[[0-9]+\]$' "ssh's standard input"
done

in_cli ping -c 3 -W 5 "$E2E_TUN_SERVER" >/dev/null || fail "client cannot ping the server's end"
in_srv ping -c 3 -W 5 192.168.77.10 >/dev/null || fail "server cannot ping the client's end"
in_cli ping -c 2 -W 5 10.99.0.1 >/dev/null || fail "the routed network 10.99.0.1 is unreachable"

# A real transfer, checked byte for byte.
mkdir -p "$E2E_DIR/www" && head -c 4194304 /dev/urandom >"$E2E_DIR/www/blob" || fail "cannot make the file"
ip netns exec "$E2E_SRV" busybox httpd -f -p 10.99.0.1:80 -h "$E2E_DIR/www" &
wait_for 30 in_srv bash -c 'exec 3<>/dev/tcp/10.99.0.1/80' 2>/dev/null || fail "httpd did not start"
t0=$(now)
in_cli curl -sS --max-time 120 -o "$E2E_DIR/got" http://10.99.0.1/blob || fail "the download failed"
note "4 MB through the link in $(since "$t0")s"
assert_eq "$(md5sum <"$E2E_DIR/got")" "$(md5sum <"$E2E_DIR/www/blob")" "the downloaded file"

call_stop
assert_eq "$CALL_RC" 0 "exit status after SIGTERM"
assert_nothing_left alice
assert_eq "$(tunnels "$E2E_CLI")" "" "L2TP tunnels left in the client"
assert_eq "$(client_routes)" "$FRAMES_ROUTES" "the client's routes"
wait_for 90 sh -c "[ -z \"\$(ip netns exec $E2E_SRV cat /proc/net/pppol2tp | grep \"^TUNNEL '\")\" ]" ||
	fail "the server's tunnel is still there: $(tunnels "$E2E_SRV")"
wait_for 90 sh -c "[ \"\$(ip netns pids $E2E_SRV | xargs -r ps -o comm= -p | grep -c '^pppd\$')\" = 0 ]" ||
	fail "the server's pppd is still running"
