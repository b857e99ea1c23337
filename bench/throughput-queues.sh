# shellcheck shell=bash
# Where the standing queue of a saturated sshdial link sits (bench/throughput, method
# "queues"). Sourced by throughput-lib.sh. While iperf3 saturates one direction, every
# ~0.5 s, one line with what each buffer on the path holds, in bytes, in path order:
#   tcp       the iperf3 sender's bytes in flight (unacked segments x mss): the whole queue
#   srtt      the sender's smoothed round-trip time, ms
#   q.cli     the client's ppp device qdisc backlog
#   sock.cli  ssh's TCP socket to sshd (Send-Q + Recv-Q, client namespace)
#   sock.srv  sshd's TCP socket (Send-Q + Recv-Q, server namespace)
#   pipe.in   the pipe from sshd to the server's pppd (notty), unread (FIONREAD)
#   pipe.out  the pipe from the server's pppd to sshd, unread
#   q.srv     the server's ppp device qdisc backlog
#   rss.ssh   the client ssh's resident memory, KB (its channel buffers live there)
#   rss.sshd  the server sshd session's resident memory, KB
# A pseudo-terminal holds at most what _tq_pty_cap measures (written once per run).
# What the columns do not show (tcp minus their sum) is in ssh's and sshd's own
# channel buffers, which OpenSSH bounds only by the channel window (2 MB).

# _tq_pty_cap: bytes a raw pty's slave takes before a write would block (nothing reads
# the master): the most the pty can hold in one direction.
_tq_pty_cap() {
	/usr/bin/python3 -c '
import os, pty, tty, fcntl
m, s = pty.openpty(); tty.setraw(s)
fcntl.fcntl(s, fcntl.F_SETFL, os.O_NONBLOCK)
n = 0
try:
    while True: n += os.write(s, bytes(256))
except BlockingIOError: pass
print(n)'
}

# _tq_unread PATH...: the bytes unread in each pipe (opened through /proc/PID/fd/N).
_tq_unread() {
	/usr/bin/python3 -c '
import fcntl, os, struct, sys, termios
out = []
for p in sys.argv[1:]:
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK)
        out.append(str(struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0]))
        os.close(fd)
    except OSError:
        out.append("NA")
print(" ".join(out))' "$@"
}

_tq_backlog() {
	ip netns exec "$1" tc -s qdisc show dev "$2" 2>/dev/null |
		awk '/backlog/ { v = $2; sub(/b$/, "", v); if (v ~ /K$/) { sub(/K$/, "", v); v *= 1000 } s += v }
			END { print s + 0 }'
}

# _tq_sock NS FILTER: Recv-Q + Send-Q of the established TCP sockets FILTER selects.
_tq_sock() {
	ip netns exec "$1" ss -Htn state established "$2" 2>/dev/null | awk '{ s += $1 + $2 } END { print s + 0 }'
}

# _tq_flow NS FILTER: "inflight-bytes srtt-ms" of the iperf3 data flow (the busiest).
_tq_flow() {
	ip netns exec "$1" ss -Htni state established "$2" 2>/dev/null | awk '
		/mss:/ { mss = 0; un = 0; rtt = 0
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^mss:/) mss = substr($i, 5)
				if ($i ~ /^unacked:/) un = substr($i, 9)
				if ($i ~ /^rtt:/) { rtt = substr($i, 5); sub(/\/.*/, "", rtt) }
			}
			if (un * mss >= best) { best = un * mss; r = rtt } }
		END { printf "%d %.0f\n", best, r }'
}

_tq_rss() { ps -o rss= -p "$1" 2>/dev/null | tr -d ' ' || echo NA; }

# tq_queues: bring a default link up, saturate each direction, sample.
tq_queues() {
	local dir ip i ssh_pid srv_pppd sshd_pid pin pout flow line
	tp_sshdial_up "queues"
	ssh_pid=$(cli_pids ssh | head -n1)
	srv_pppd=$(ip netns pids "$E2E_SRV" | xargs -r ps -o pid=,ppid=,comm= -p |
		awk '$3 == "pppd" { p[$1] = $2 } END { for (c in p) if (p[c] in p) { print c; exit } }')
	[ -n "$srv_pppd" ] || srv_pppd=$(ip netns pids "$E2E_SRV" | xargs -r ps -o pid=,comm= -p | awk '$2 == "pppd" { print $1; exit }')
	# sshd's session process: the sshd that is an ancestor of the server's pppd.
	sshd_pid=$srv_pppd
	while [ -n "$sshd_pid" ] && [ "$sshd_pid" != 1 ] && [ "$(ps -o comm= -p "$sshd_pid")" != sshd ]; do
		sshd_pid=$(ps -o ppid= -p "$sshd_pid" | tr -d ' ')
	done
	pin=/proc/$srv_pppd/fd/0 pout=/proc/$srv_pppd/fd/1
	QUEUES=("pty capacity (one direction, raw pty, nothing reading): $(_tq_pty_cap) bytes"
		"server pppd $srv_pppd: fd 0 $(readlink "$pin"), fd 1 $(readlink "$pout"); sshd session $sshd_pid; ssh $ssh_pid")
	for dir in cs sc; do
		in_cli timeout 120 iperf3 -c "$TP_TUN_SRV" -p "$TP_PORT" -t 24 $([ "$dir" = sc ] && echo -R) \
			>/dev/null 2>&1 &
		ip=$!
		in_cli ping -c 60 -i 0.3 -W 5 "$TP_TUN_SRV" >"$E2E_DIR/log/queues-ping-$dir.log" 2>&1 &
		local pp=$!
		sleep 2
		QUEUES+=("$( [ "$dir" = cs ] && echo "client->server saturated" || echo "server->client saturated"):"
			"  t   tcp     srtt q.cli  sock.cli sock.srv pipe.in pipe.out q.srv rss.ssh rss.sshd")
		for ((i = 0; i < 30; i++)); do
			if [ "$dir" = cs ]; then
				flow=$(_tq_flow "$E2E_CLI" "( dport = :$TP_PORT )")
			else
				flow=$(_tq_flow "$E2E_SRV" "( sport = :$TP_PORT )")
			fi
			line=$(printf '%5.1f %-7s %-4s %-6s %-8s %-8s %s %-5s %-7s %s' "$(awk -v i="$i" 'BEGIN { print 2 + i * 0.6 }')" \
				"${flow% *}" "${flow#* }" "$(_tq_backlog "$E2E_CLI" "$TP_CDEV")" \
				"$(_tq_sock "$E2E_CLI" "( dport = :22 )")" "$(_tq_sock "$E2E_SRV" "( sport = :22 )")" \
				"$(_tq_unread "$pin" "$pout" | awk '{ printf "%-7s %-8s", $1, $2 }')" \
				"$(_tq_backlog "$E2E_SRV" "$TP_SDEV")" "$(_tq_rss "$ssh_pid")" "$(_tq_rss "$sshd_pid")")
			QUEUES+=("  $line")
			sleep 0.3
			kill -0 "$ip" 2>/dev/null || break
		done
		wait "$ip"
		kill "$pp" 2>/dev/null
		wait "$pp" 2>/dev/null
		QUEUES+=("  ping while saturated: $(awk -F'time=' 'NF > 1 { split($2, a, " "); s += a[1]; n++; if (a[1] > m) m = a[1] }
			END { if (n) printf "%d replies, mean %.0f ms, max %.0f ms", n, s / n, m; else print "no replies" }' \
			"$E2E_DIR/log/queues-ping-$dir.log")")
	done
	tp_sshdial_down
}
