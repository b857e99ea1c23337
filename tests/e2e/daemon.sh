# shellcheck shell=bash
# Helpers for scenarios of `sshdial daemon`. Source after lib.sh, e2e_setup,
# call.sh and serve.sh.
#
# daemon_start [ARGS...]: starts `sshdial daemon --verbose --peers-dir $E2E_PEERS ARGS` in
#   the client namespace, in the background, with a clean environment plus NOTIFY_SOCKET
#   when DAEMON_NOTIFY is set (and WATCHDOG_USEC when DAEMON_WATCHDOG_USEC is). Sets DAEMON_PID, DAEMON_LOG (appended to across starts).
# daemon_kill9: SIGKILL, as a crash would; daemon_stop: SIGTERM and wait (DAEMON_RC).
# ctl ARGS...: runs `sshdial ARGS` as root in the client namespace.
# daemon_json: `sshdial status --json`; field PEER KEY: one value of it, through jq.
# daemon_wait_state PEER STATE [SECS]: until status says so (default 150 s).
# second_sshd [CONFIG LINES...]: a second sshd for the same server accounts on
#   $SECOND_SERVER_IP (added to the server's e2e0), with its own config (the first's,
#   plus these lines) and the same host key; known_hosts gains it.
# notify_listen FILE: a datagram socket under $E2E_DIR that writes what it receives to
#   FILE; sets DAEMON_NOTIFY to its path.

DAEMON_LOG=
SECOND_SERVER_IP=10.77.0.3

daemon_start() {
	DAEMON_LOG=$E2E_DIR/daemon.log
	[ -e "$DAEMON_LOG" ] || e2e_log "$DAEMON_LOG"
	ip netns exec "$E2E_CLI" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		${DAEMON_NOTIFY:+NOTIFY_SOCKET=$DAEMON_NOTIFY} \
		${DAEMON_WATCHDOG_USEC:+WATCHDOG_USEC=$DAEMON_WATCHDOG_USEC} \
		"$SSHDIAL" daemon --verbose --peers-dir "$E2E_PEERS" "$@" >>"$DAEMON_LOG" 2>&1 &
	DAEMON_PID=$!
	wait_for 90 test -S /run/sshdial/control || fail "the daemon's control socket did not appear"
}

daemon_running() { kill -0 "$DAEMON_PID" 2>/dev/null; }

daemon_kill9() {
	kill -KILL "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null
}

daemon_stop() {
	kill -TERM "$DAEMON_PID"
	local i=0
	while daemon_running && [ $i -lt 300 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	daemon_running && fail "the daemon did not exit within 60 s of SIGTERM"
	wait "$DAEMON_PID"
	# Read by the scenarios that source this file.
	# shellcheck disable=SC2034
	DAEMON_RC=$?
}

ctl() { in_cli "$SSHDIAL" "$@"; }

daemon_json() { ctl status --json; }

field() { daemon_json | jq -r --arg n "$1" ".[] | select(.name == \$n) | .$2"; }

_daemon_state_is() { [ "$(field "$1" state)" = "$2" ]; }

daemon_wait_state() {
	wait_for "${3:-150}" _daemon_state_is "$1" "$2" ||
		fail "$1 is not $2 within ${3:-150}s: $(ctl status "$1" 2>&1)"
}

second_sshd() {
	local conf=$E2E_DIR/sshd/sshd_config2
	ip -n "$E2E_SRV" addr add "$SECOND_SERVER_IP/24" dev "$E2E_IFACE" || fail "cannot add $SECOND_SERVER_IP"
	sed -e "s/^ListenAddress .*/ListenAddress $SECOND_SERVER_IP/" \
		-e "s|^PidFile .*|PidFile $E2E_DIR/sshd/sshd2.pid|" "$E2E_DIR/sshd/sshd_config" >"$conf"
	printf '%s\n' "$@" >>"$conf"
	# In the first sshd's mount namespace, which serve_setup gave the private /etc/sshdial
	# (_e2e_sshd_pid: lib.sh's e2e_setup sets it).
	# shellcheck disable=SC2154
	nsenter -t "$_e2e_sshd_pid" -m -r -w ip netns exec "$E2E_SRV" setpriv --pdeathsig TERM \
		/usr/sbin/sshd -D -f "$conf" -E "$E2E_DIR/log/sshd2.log" </dev/null &
	e2e_log "$E2E_DIR/log/sshd2.log"
	wait_for 60 eval "ss -N '$E2E_SRV' -Hltn | grep -q '$SECOND_SERVER_IP:22 '" ||
		fail "the second sshd is not listening on $SECOND_SERVER_IP:22"
	echo "$SECOND_SERVER_IP $(cut -d' ' -f1,2 "$E2E_DIR/sshd/ssh_host_ed25519_key.pub")" >>"$E2E_KNOWN_HOSTS"
}

notify_listen() {
	DAEMON_NOTIFY=$E2E_DIR/notify.sock
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as f:
    while True:
        f.write(s.recv(4096).decode() + "\n")
        f.flush()
' "$DAEMON_NOTIFY" "$1" &
	wait_for 90 test -S "$DAEMON_NOTIFY" || fail "the notify listener did not start"
}

# cli_pid_set: the client namespace's pppd and ssh pids, sorted, one line.
cli_pid_set() { { cli_pids pppd; cli_pids ssh; } | sort -n | tr '\n' ' '; }

# pppd_pid NAME: the pid of peer NAME's pppd (pppd's own /run/ppp-LINKNAME.pid), empty if none.
pppd_pid() { head -n1 "/run/ppp-$1.pid" 2>/dev/null; }
