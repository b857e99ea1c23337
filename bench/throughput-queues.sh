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

# _tq_sample SECS CLI_PID SRV_PID PPPD_PID SSH_PID SSHD_PID CDEV SDEV CLI_NS SRV_NS PORT DIR:
# one process samples for SECS (a process per reading would, under emulation, take
# longer than the flow): sockets from /proc/PID/net/tcp of a process in each namespace
# (tx_queue: bytes sent and not yet acknowledged or not yet sent; rx_queue: unread),
# pipes by FIONREAD, the qdiscs from tc, memory from /proc/PID/status.
_tq_sample() {
	/usr/bin/python3 - "$@" <<-'EOF'
		import fcntl, os, struct, subprocess, sys, termios, time
		secs, cpid, spid, pppd, ssh, sshd, cdev, sdev, cns, sns, port, d = sys.argv[1:]
		port = int(port)
		def socks(pid, want):
		    s = 0
		    try:
		        for line in open("/proc/%s/net/tcp" % pid).read().splitlines()[1:]:
		            f = line.split()
		            if f[3] != "01": continue
		            l, r = int(f[1].split(":")[1], 16), int(f[2].split(":")[1], 16)
		            tx, rx = (int(x, 16) for x in f[4].split(":"))
		            if want(l, r): s += tx + rx
		    except OSError: return "NA"
		    return s
		def unread(path):
		    try:
		        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
		        v = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0]
		        os.close(fd); return v
		    except OSError: return "NA"
		def backlog(ns, dev):
		    try:
		        r = subprocess.run(["ip", "netns", "exec", ns, "tc", "-s", "qdisc", "show", "dev", dev],
		                           capture_output=True, text=True, timeout=10)
		    except Exception: return "NA"
		    if r.returncode != 0: return "NA"
		    out = r.stdout.split()
		    s = 0
		    for i, w in enumerate(out[:-1]):
		        if w == "backlog":
		            v = out[i + 1].rstrip("b")
		            s += int(float(v[:-1]) * 1000) if v.endswith("K") else int(v)
		    return s
		def rss(pid):
		    try:
		        for l in open("/proc/%s/status" % pid):
		            if l.startswith("VmRSS:"): return int(l.split()[1])
		    except OSError: pass
		    return "NA"
		if d == "cs":
		    flow = lambda: socks(cpid, lambda l, r: r == port)
		else:
		    flow = lambda: socks(spid, lambda l, r: l == port)
		print("      t    tcp  q.cli sock.cli sock.srv pipe.in pipe.out  q.srv rss.ssh rss.sshd")
		t0 = time.monotonic()
		while time.monotonic() - t0 < float(secs):
		    row = [flow(), backlog(cns, cdev), socks(cpid, lambda l, r: r == 22),
		           socks(spid, lambda l, r: l == 22), unread("/proc/%s/fd/0" % pppd),
		           unread("/proc/%s/fd/1" % pppd), backlog(sns, sdev), rss(ssh), rss(sshd)]
		    print("  %5.1f " % (time.monotonic() - t0) + " ".join("%8s" % v for v in row), flush=True)
		    time.sleep(0.5)
	EOF
}

# tq_queues [ping]: bring a default link up, saturate each direction for 32 s, sample;
# with "ping", only ping (the same flows and pings without the sampler's own load).
tq_queues() {
	local dir ip pp ssh_pid srv_pppd sshd_pid cpid spid only=${1:-}
	tp_sshdial_up "queues${only:+ $only}"
	ssh_pid=$(cli_pids ssh | head -n1)
	# The server's pppd runs notty: its child (charshunt) copies sshd's pipes to its pty.
	srv_pppd=$(ip netns pids "$E2E_SRV" | xargs -r ps -o pid=,ppid=,comm= -p |
		awk '$3 == "pppd" { p[$1] = $2 } END { for (c in p) if (p[c] in p) { print c; exit } }')
	# sshd's session process: the nearest sshd above the server's pppd.
	sshd_pid=$srv_pppd
	while [ -n "$sshd_pid" ] && [ "$sshd_pid" != 1 ] && [ "$(ps -o comm= -p "$sshd_pid")" != sshd ]; do
		sshd_pid=$(ps -o ppid= -p "$sshd_pid" | tr -d ' ')
	done
	cpid=$ssh_pid spid=$sshd_pid
	QUEUES+=("pty capacity (one direction, a raw pty, nothing reading): $(_tq_pty_cap) bytes"
		"server pppd (charshunt) $srv_pppd: fd 0 $(readlink "/proc/$srv_pppd/fd/0"), fd 1 $(readlink "/proc/$srv_pppd/fd/1"); sshd session $sshd_pid; ssh $ssh_pid")
	for dir in cs sc; do
		_tp_rev=(); [ "$dir" = cs ] || _tp_rev=(-R)
		in_cli timeout 150 iperf3 -c "$TP_TUN_SRV" -p "$TP_PORT" -t 32 "${_tp_rev[@]}" \
			>/dev/null 2>&1 &
		ip=$!
		in_cli ping -c 90 -i 0.3 -W 5 "$TP_TUN_SRV" >"$E2E_DIR/log/queues-ping-$dir.log" 2>&1 &
		pp=$!
		QUEUES+=("$([ "$dir" = cs ] && echo "client->server" || echo "server->client") saturated${only:+, ping only, no sampler} (t: seconds after iperf3 started):")
		[ "$only" = ping ] && sleep 28
		[ "$only" = ping ] || while IFS= read -r l; do QUEUES+=("$l"); done < <(_tq_sample 28 "$cpid" "$spid" "$srv_pppd" "$ssh_pid" \
			"$sshd_pid" "$TP_CDEV" "$TP_SDEV" "$E2E_CLI" "$E2E_SRV" "$TP_PORT" "$dir" 2>&1)
		wait "$ip"
		kill "$pp" 2>/dev/null
		wait "$pp" 2>/dev/null
		QUEUES+=("  ping while saturated: $(awk -F'time=' 'NF > 1 { split($2, a, " "); t[++n] = a[1]; s += a[1]; if (a[1] > m) m = a[1] }
			END { if (!n) { print "no replies"; exit }
				h = int(n / 2); for (i = h + 1; i <= n; i++) s2 += t[i]
				printf "%d replies, mean %.0f ms, max %.0f ms, mean of the second half %.0f ms", n, s / n, m, s2 / (n - h) }' \
			"$E2E_DIR/log/queues-ping-$dir.log")")
	done
	tp_sshdial_down
}
