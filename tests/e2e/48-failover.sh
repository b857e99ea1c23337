#!/bin/bash
# A peer with two servers ('host' twice). The second server is the same
# machine at a second address, with an sshd of its own whose forced command gives the
# client another tunnel address (192.168.78.2), so the client's own address says which
# server it is on.
#   1. The first server's host key is unknown to the peer: a permanent failure of that
#      server only; the link comes up on the second one.
#   2. The link is up on the first server and the router blackholes the path to it: the
#      link fails over to the second within the health timeout plus a handshake (bounded
#      generously), with its routes, and the status line names the second server.
E2E_TOPOLOGY=routed
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

SECOND_IP=10.77.2.3
SECOND_TUN_CLIENT=192.168.78.2
SECOND_TUN_SERVER=192.168.78.1
SECOND_PPPD_LOG=$E2E_DIR/log/pppd-server2.log
SECOND_SSHD_LOG=$E2E_DIR/log/sshd2.log

# --- the second server ---------------------------------------------------------------------
in_srv ip addr add "$SECOND_IP/24" dev "$E2E_IFACE" || fail "cannot add $SECOND_IP in $E2E_SRV"
install -o pppuser -g pppuser -m 644 /dev/null "$SECOND_PPPD_LOG" || fail "cannot create $SECOND_PPPD_LOG"
e2e_log "$SECOND_PPPD_LOG"
e2e_log "$SECOND_SSHD_LOG"
second_cmd="/usr/sbin/pppd notty nodetach require-pap $SECOND_TUN_SERVER:$SECOND_TUN_CLIENT"
second_cmd+=" debug logfile $SECOND_PPPD_LOG"
keys2=$E2E_PPPUSER_HOME/.ssh/authorized_keys2
echo "command=\"$second_cmd\",no-pty,no-agent-forwarding,no-X11-forwarding $E2E_DIALER_PUBKEY" >"$keys2" &&
	chown pppuser:pppuser "$keys2" && chmod 600 "$keys2" || fail "cannot write $keys2"
sed -e "s/^ListenAddress .*/ListenAddress $SECOND_IP/" \
	-e "s|^PidFile .*|PidFile $E2E_DIR/sshd/sshd2.pid|" \
	-e "s|^AuthorizedKeysFile .*|AuthorizedKeysFile .ssh/authorized_keys2|" \
	"$E2E_DIR/sshd/sshd_config" >"$E2E_DIR/sshd/sshd2_config" || fail "cannot write sshd2_config"
ip netns exec "$E2E_SRV" setpriv --pdeathsig TERM \
	/usr/sbin/sshd -D -f "$E2E_DIR/sshd/sshd2_config" -E "$SECOND_SSHD_LOG" </dev/null &
second_listening() { ss -N "$E2E_SRV" -Hltn | grep -q "$SECOND_IP:22 "; }
wait_for 60 second_listening || fail "the second sshd is not listening on $SECOND_IP:22"
host_key=$(cut -d' ' -f1,2 "$E2E_DIR/sshd/ssh_host_ed25519_key.pub")
echo "$SECOND_IP $host_key" >>"$E2E_KNOWN_HOSTS" || fail "cannot add $SECOND_IP to $E2E_KNOWN_HOSTS"
only_second=$E2E_DIALER_HOME/.ssh/known_hosts_second
echo "$SECOND_IP $host_key" >"$only_second" && chown dialer:dialer "$only_second" ||
	fail "cannot write $only_second"
in_srv ip addr add 10.99.0.1/24 dev lo

# client_addr: the client's address on its ppp device (empty when none).
client_addr() {
	local dev
	dev=$(ppp_dev)
	[ -z "$dev" ] || ip -n "$E2E_CLI" -4 -o addr show dev "$dev" | awk '{ print $4 }' | head -n1
}
# ssh_peer: the address ssh is connected to (port 22) in the client namespace.
ssh_peer() { ss -N "$E2E_CLI" -Htn state established '( dport = :22 )' | awk '{ print $4 }' | head -n1; }

# --- 1. a host key failure gives up that server alone -------------------------------------------
cat >"$E2E_PEERS/e2e-fo-key" <<EOF
host $E2E_SERVER_IP
host $SECOND_IP
ssh-user pppuser
local-user $E2E_LOCAL_USER
identity $E2E_IDENTITY
known-hosts $only_second
pap-user $E2E_PAP_USER
pap-password-file $E2E_PAP_FILE
route 10.99.0.0/24
EOF
call_start e2e-fo-key
# A link that gives up on the first server's host key ends sshdial: no need to wait.
up_or_ended() { grep -q ': up after ' "$CALL_LOG" || ! call_running; }
wait_for 150 up_or_ended
call_running || fail "sshdial ended instead of dialing the second server: $(call_verdict)"
call_wait_up 10
note "up ${CALL_UP_AFTER}s after start, with the first server's host key unknown"
grep -qE "^sshdial: error: e2e-fo-key: $E2E_SERVER_IP: host key verification failed for '$E2E_SERVER_IP'.*; not dialing this server again, 1 other left\$" "$CALL_LOG" ||
	fail "no error line giving up $E2E_SERVER_IP for its host key (see $CALL_LOG)"
assert_eq "$(client_addr)" "$SECOND_TUN_CLIENT" "the client's tunnel address (the second server's)"
assert_match "$(call_status_line)" ": status: state up, server $SECOND_IP, transport pty, attempts [0-9]+, " "the status line"
ping_through 10.99.0.1 60
call_stop
assert_eq "$CALL_RC" 0 "exit status after SIGTERM"
assert_nothing_left e2e-fo-key

# --- 2. the path to the first server goes silent: failover ---------------------------------------
peer_file e2e-fo "host $SECOND_IP" "route 10.99.0.0/24"
call_start e2e-fo
call_wait_up 150
note "up ${CALL_UP_AFTER}s after start"
assert_eq "$(client_addr)" "$E2E_TUN_CLIENT" "the client's tunnel address (the first server's)"
assert_eq "$(ssh_peer)" "$E2E_SERVER_IP:22" "the server ssh is connected to"
assert_match "$(call_status_line)" ": status: state up, server $E2E_SERVER_IP, transport pty, attempts 1, " "the status line"
ping_through 10.99.0.1 60

e2e_blackhole_on
t_off=$(now)
# Health timeout (3 s) plus one dial (an ssh handshake and PPP's negotiation take some
# seconds under emulation): 120 s is generous for a loaded machine.
call_wait_up_n 2 120
took=$(since "$t_off")
note "up on the second server ${took}s after the path to the first went silent"
assert_eq "$(client_addr)" "$SECOND_TUN_CLIENT" "the client's tunnel address after failover"
assert_eq "$(ssh_peer)" "$SECOND_IP:22" "the server ssh is connected to after failover"
grep -qE "$LINK_DEAD_RE" "$CALL_LOG" || fail "no 'link dead' line before the failover"
grep -qE ": dialing $SECOND_IP \(attempt [0-9]+\)\$" "$CALL_LOG" || fail "no attempt names $SECOND_IP"
status=$(call_status_line)
note "${status#sshdial: }"
assert_match "$status" ": status: state up, server $SECOND_IP, transport pty, attempts [0-9]+, uptime [0-9]+ s, last failure: .+" \
	"the status line after failover"
ping_through 10.99.0.1 60
assert_route_once 10.99.0.0/24
call_running || fail "sshdial ended after the failover"

call_stop
assert_eq "$CALL_RC" 0 "exit status after SIGTERM"
assert_nothing_left e2e-fo
e2e_blackhole_off
