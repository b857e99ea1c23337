#!/usr/bin/env bash
# The test bed itself, with no sshdial involved: root's pppd in the client namespace
# dials the classic way (pty "ssh ..."), the forced command starts pppuser's
# unprivileged pppd with require-pap, the link comes up and carries pings both ways,
# and nothing is left once the client's pppd is stopped.
E2E_NEEDS_SSHDIAL=no
. tests/e2e/lib.sh
e2e_setup

log=$E2E_DIR/log/pppd-client.log
e2e_log "$log"
ssh_cmd="ssh -e none -T -o BatchMode=yes -i $E2E_IDENTITY -o UserKnownHostsFile=$E2E_KNOWN_HOSTS"
ssh_cmd+=" $E2E_PAP_USER@$E2E_SERVER_IP"

# The ssh handshake takes seconds under emulation: LCP waits for it (10 x 3 s).
# Not in_cli: a function in the background is a subshell, and $! would be its pid.
ip netns exec "$E2E_CLI" pppd nodetach noauth local noipdefault user "$E2E_PAP_USER" pty "$ssh_cmd" \
	noccp debug logfd 2 >"$log" 2>&1 &
pppd_pid=$!
note "client pppd started (pid $pppd_pid)"

ppp0_up() {
	in_cli ip -4 addr show dev ppp0 | grep -q "inet $E2E_TUN_CLIENT peer $E2E_TUN_SERVER/32"
}
up_or_gone() { ppp0_up || ! kill -0 "$pppd_pid"; }
wait_for 90 up_or_gone
ppp0_up || fail "ppp0 did not come up with $E2E_TUN_CLIENT peer $E2E_TUN_SERVER"
note "ppp0 up: $(in_cli ip -4 -br addr show dev ppp0)"

grep -q 'PAP authentication succeeded' "$log" || fail "the client's log shows no PAP success"
srv_pppd=$(e2e_procs "$E2E_SRV" | awk '$2 == "pppd" { print $1; exit }')
[ -n "$srv_pppd" ] || fail "no pppd in the server namespace"
ruid=$(awk '/^Uid:/ { print $2 }' "/proc/$srv_pppd/status")
assert_eq "$ruid" "$(id -u pppuser)" "real uid of the server's pppd"

in_cli ping -c 3 -i 0.5 -W 10 "$E2E_TUN_SERVER" >/dev/null || fail "client cannot ping $E2E_TUN_SERVER"
in_srv ping -c 3 -i 0.5 -W 10 "$E2E_TUN_CLIENT" >/dev/null || fail "server cannot ping $E2E_TUN_CLIENT"
note "pings through the link both ways"

kill -TERM "$pppd_pid"
wait "$pppd_pid"
rc=$?
assert_eq "$rc" 5 "the client's pppd exit status after SIGTERM"

no_ppp_left() {
	! in_cli ip link show ppp0 && ! in_srv ip link show ppp0 &&
		e2e_procs "$E2E_CLI" | awk '$2 == "pppd" || $2 == "ssh" { exit 1 }' &&
		e2e_procs "$E2E_SRV" | awk '$2 == "pppd" { exit 1 }'
}
wait_for 90 no_ppp_left || fail "left behind: $(e2e_procs "$E2E_CLI"; e2e_procs "$E2E_SRV"; in_srv ip -br link)"
note "link gone, no pppd or ssh left"
