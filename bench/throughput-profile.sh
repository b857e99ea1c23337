# shellcheck shell=bash
# Where the time goes in an sshdial link (bench/throughput, BENCH_PROFILE=1), and the
# report. Sourced by throughput-lib.sh.

# _tp_reads FILE: per descriptor, "fd N: R reads, mean B bytes, max M, P% under 4096" of
# the reads that returned data in an strace log, busiest descriptor first.
_tp_reads() {
	awk '/^read\([0-9]+,/ && $NF ~ /^[0-9]+$/ && $NF > 0 {
			fd = substr($0, 6); sub(/,.*/, "", fd)
			n[fd]++; s[fd] += $NF; if ($NF < 4096) small[fd]++; if ($NF > max[fd]) max[fd] = $NF }
		END { for (fd in n) printf "%d fd %s: %d reads, mean %.0f bytes, max %d, %.0f%% under 4096\n",
			s[fd], fd, n[fd], s[fd] / n[fd], max[fd], 100 * small[fd] / n[fd] }' "$1" |
		sort -rn | cut -d' ' -f2- | head -n 3 | paste -sd';' -
}

# _tp_strace PID LABEL SECS: trace one process's reads for SECS.
_tp_strace() {
	local out=$E2E_DIR/log/strace-$2.log
	timeout "$3" strace -q -e trace=read -e signal=none -p "$1" -o "$out" 2>/dev/null
	PROFILE+=("  $2: $(_tp_reads "$out")")
}

# _tp_pty_vs_pipe: the tty layer alone, no ssh, no PPP: 32 MB written in 64 KB blocks
# into a raw pseudo-terminal's slave and read from its master in 64 KB reads, against a
# pipe. The master's side of a pty delivers through the line discipline's 4 KB buffer.
_tp_pty_vs_pipe() {
	/usr/bin/python3 - <<-'EOF'
		import os, pty, time, tty
		N = 32 << 20
		def run(rd, wr):
		    pid = os.fork()
		    if pid == 0:
		        os.close(rd)
		        b = bytes(65536); left = N
		        while left > 0:
		            left -= os.write(wr, b[:min(left, 65536)])
		        os._exit(0)
		    os.close(wr)
		    t = time.monotonic(); got = n = 0
		    while got < N:
		        c = len(os.read(rd, 65536)); got += c; n += 1
		        if c == 0: break
		    dt = time.monotonic() - t
		    os.waitpid(pid, 0); os.close(rd)
		    return got / dt / 1048576, got / n
		m, s = pty.openpty(); tty.setraw(s)
		a = run(m, s)
		r, w = os.pipe()
		b = run(r, w)
		print("  tty layer alone: pty slave->master %.1f MB/s (mean read %.0f bytes), pipe %.1f MB/s (mean read %.0f bytes): the pty carries %.2f of a pipe" % (a[0], a[1], b[0], b[1], a[0] / b[0]))
	EOF
}

tp_profile() {
	local dir ip ssh_pid srv_pppd
	PROFILE=()
	tp_sshdial_up "profile"
	ssh_pid=$(cli_pids ssh | head -n1)
	# The server's pppd runs notty: a child of it (charshunt) copies between sshd's pipes
	# and the pty pppd made for itself.
	srv_pppd=$(ip netns pids "$E2E_SRV" | xargs -r ps -o pid=,ppid=,comm= -p |
		awk '$3 == "pppd" { p[$1] = $2 } END { for (c in p) if (p[c] in p) { print c; exit } }')
	for dir in cs sc; do
		_tp_rev=(); [ "$dir" = cs ] || _tp_rev=(-R)
		in_cli timeout 80 iperf3 -c "$TP_TUN_SRV" -p "$TP_PORT" -t 14 "${_tp_rev[@]}" \
			>/dev/null 2>&1 &
		ip=$!
		sleep 3
		if [ "$dir" = cs ]; then
			PROFILE+=("client->server (ssh reads the pty master; the server's pppd reads sshd's pipe):")
			_tp_strace "$ssh_pid" client-ssh 3
			[ -n "$srv_pppd" ] && _tp_strace "$srv_pppd" server-pppd 3
			if command -v perf >/dev/null; then
				sysctl -qw kernel.kptr_restrict=0 kernel.perf_event_paranoid=-1 2>/dev/null
				perf record -q -a -F 499 -o "$E2E_DIR/perf.data" -- sleep 4 >/dev/null 2>&1
				PROFILE+=("  CPU by process while client->server is saturated (perf, both vCPUs; swapper = idle):")
				while IFS= read -r l; do PROFILE+=("    $l"); done < <(perf report -q -i "$E2E_DIR/perf.data" \
					--stdio --sort comm --percent-limit 0.5 2>/dev/null | sed '/^$/d' | head -n 12)
				PROFILE+=("  hottest symbols outside the idle loop:")
				while IFS= read -r l; do PROFILE+=("    $l"); done < <(perf report -q -i "$E2E_DIR/perf.data" \
					--stdio --sort comm,sym --percent-limit 0.2 2>/dev/null | sed '/^$/d' | grep -v swapper | head -n 15)
			fi
		else
			PROFILE+=("server->client (the server's pppd reads its pty master; ssh reads the socket):")
			[ -n "$srv_pppd" ] && _tp_strace "$srv_pppd" server-pppd 3
			_tp_strace "$ssh_pid" client-ssh 3
		fi
		wait "$ip"
	done
	PROFILE+=("$(_tp_pty_vs_pipe 2>&1)")
	tp_sshdial_down
}

# --- report --------------------------------------------------------------------------------

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b + 0 > 0) printf "%.2f", a / b; else printf "NA" }'; }

tp_report() {
	local n ceil_cs=${TCP_CS["ssh -L"]:-NA} ceil_sc=${TCP_SC["ssh -L"]:-NA} bound
	echo
	# runs, secs, udp_rate: bench/throughput's settings, set before it sources this.
	# shellcheck disable=SC2154
	echo "=== bench throughput report (iperf3 TCP, median of $runs x ${secs} s; MB/s; ratio = / ssh -L) ==="
	printf '%-26s %6s %9s %6s %9s %6s %8s %8s %9s %9s %9s\n' method mtu "c->s" ratio "s->c" ratio \
		"udp-loss" "udp-MB/s" "ping-idle" "ping-c>s" "ping-s>c"
	for n in "${ORDER[@]}"; do
		printf '%-26s %6s %9s %6s %9s %6s %8s %8s %9s %9s %9s\n' "$n" "${MTU_OF[$n]:--}" \
			"${TCP_CS[$n]}" "$(ratio "${TCP_CS[$n]}" "$ceil_cs")" "${TCP_SC[$n]}" \
			"$(ratio "${TCP_SC[$n]}" "$ceil_sc")" "${UDP_LOSS[$n]:--}" "${UDP_RATE[$n]:--}" \
			"${PING_IDLE[$n]:--}" "${PING_CS[$n]:--}" "${PING_SC[$n]:--}"
	done
	# runs, secs, udp_rate: bench/throughput's settings, set before it sources this.
	# shellcheck disable=SC2154
	echo "(udp: client->server at $udp_rate bit/s, loss in %; ping: mean RTT in ms, idle and while iperf3 saturates each direction)"
	for n in "${ORDER[@]}"; do
		[ -n "${QDISC_OF[$n]:-}" ] && echo "$n: client ppp device ${QDISC_OF[$n]}, qdisc drops client/server ${DROPS_OF[$n]:-NA}"
	done
	n="sshdial (defaults)"
	[ -n "${TCP_CS["sshdial before"]:-}" ] &&
		echo "sshdial now / sshdial before the frame transport (same run): client->server $(ratio "${TCP_CS[$n]:-NA}" "${TCP_CS["sshdial before"]}")," \
			"server->client $(ratio "${TCP_SC[$n]:-NA}" "${TCP_SC["sshdial before"]}")"
	[ -n "${TCP_CS["sshdial frames"]:-}" ] && [ -n "${TCP_CS[$n]:-}" ] &&
		echo "sshdial frames / sshdial pty (same run): client->server $(ratio "${TCP_CS["sshdial frames"]}" "${TCP_CS[$n]}")," \
			"server->client $(ratio "${TCP_SC["sshdial frames"]}" "${TCP_SC[$n]}")"
	for n in "sshdial (defaults)" "sshdial frames"; do
		[ -n "${PING_IDLE[$n]:-}" ] && [ -n "${PING_CS[$n]:-}" ] || continue
		bound=$(awk -v i="${PING_IDLE[$n]}" 'BEGIN { printf "%.1f", 2 * i + 50 }')
		echo "latency under load, $n: c->s mean ${PING_CS[$n]} ms (max ${PING_CS_MAX[$n]}), s->c ${PING_SC[$n]:-NA} ms; bound 2 x idle + 50 ms = $bound ms:" \
			"$(awk -v a="${PING_CS[$n]}" -v b="${PING_SC[$n]:-0}" -v l="$bound" 'BEGIN { print (a <= l && b <= l ? "within" : "EXCEEDED") }')"
	done
	if [ "${#PROFILE[@]}" -gt 0 ] 2>/dev/null; then
		echo
		echo "=== where the time goes (sshdial defaults) ==="
		printf '%s\n' "${PROFILE[@]}"
	fi
	if [ "${#QUEUES[@]}" -gt 0 ] 2>/dev/null; then
		echo
		echo "=== what each buffer holds while one direction is saturated (bytes; sshdial defaults) ==="
		printf '%s\n' "${QUEUES[@]}"
	fi
	if [ -s "$E2E_DIR/log/iperf3-errors.log" ]; then
		echo "iperf3 failures (last lines of $E2E_DIR/log/iperf3-errors.log):"
		tail -n 8 "$E2E_DIR/log/iperf3-errors.log" | cut -c1-300
	fi
	[ -s "$E2E_DIR/log/sshuttle.log" ] && { echo "sshuttle's log:"; tail -n 5 "$E2E_DIR/log/sshuttle.log"; }
	printf 'SUMMARY'
	for n in "${ORDER[@]}"; do
		printf ' %s=%s/%s' "${n// /_}" "${TCP_CS[$n]}" "${TCP_SC[$n]}"
	done
	printf ' ssh_L_ratio_cs=%s ssh_L_ratio_sc=%s' "$(ratio "${TCP_CS["sshdial (defaults)"]:-NA}" "$ceil_cs")" \
		"$(ratio "${TCP_SC["sshdial (defaults)"]:-NA}" "$ceil_sc")"
	echo " frames_ssh_L_ratio_cs=$(ratio "${TCP_CS["sshdial frames"]:-NA}" "$ceil_cs") frames_ssh_L_ratio_sc=$(ratio "${TCP_SC["sshdial frames"]:-NA}" "$ceil_sc")"
}
# shellcheck source=bench/throughput-profile-frames.sh
. "$E2E_TOP/bench/throughput-profile-frames.sh"
