# shellcheck shell=bash
# Where the time goes in an sshdial link with 'transport frames', and in ssh -L over the
# same path for comparison (bench/throughput's methods profile-frames and profile-ssh-L;
# both run with BENCH_PROFILE=1). Sourced by throughput-profile.sh.
#
# While iperf3 saturates one direction: CPU by process and the hottest symbols (perf,
# both vCPUs, "swapper" = idle); every system call of the processes on the path for a few
# seconds (strace -f: counts, and the mean size of each read, write, recvmmsg, sendmmsg);
# the inner flow's TCP state at its sender (ss: rtt, cwnd, retransmits, send window) and
# the ssh connection's; the client namespace's TCP counters (nstat); the ppp devices'
# qdisc drops; at the end the relays' own counters (CoDel's drops: their debug line).

# _pf_syscalls LABELS FILE: per process of an strace -f log, the busiest system calls
# with their count and, for the I/O calls, the mean of what they returned. LABELS maps
# "pid label" per line.
_pf_syscalls() {
	awk 'NR == FNR { label[$1] = $2; next }
		{
			pid = $1; line = substr($0, length($1) + 2); sub(/^ +/, "", line)
			if (line ~ /unfinished \.\.\.>$/) next
			if (line ~ /^<\.\.\. [a-z0-9_]+ resumed>/) { name = substr(line, 6); sub(/ .*/, "", name) }
			else if (match(line, /^[a-z0-9_]+\(/)) name = substr(line, 1, RLENGTH - 1)
			else next
			np = split(line, parts, " = "); if (np < 2) next
			split(parts[np], rv, " "); ret = rv[1]
			who = (pid in label) ? label[pid] : "child-of-traced"
			k = who SUBSEP name; n[k]++; tot[who]++
			if (ret + 0 > 0) { sum[k] += ret; pos[k]++ } else if (ret == "-1") errs[k]++
		}
		END {
			for (k in n) { split(k, a, SUBSEP)
				io = a[2] ~ /^(read|write|recvmmsg|sendmmsg|recvfrom|sendto|readv|writev)$/
				s = sprintf("%s %d", a[2], n[k])
				if (io && pos[k]) s = s sprintf(" (mean %.0f %s)", sum[k] / pos[k], a[2] ~ /mmsg/ ? "msgs" : "B")
				if (errs[k]) s = s sprintf(" [%d failed]", errs[k])
				print tot[a[1]], a[1], n[k], s }
		}' "$1" "$2" | sort -k1,1nr -k3,3nr |
		awk '{ who = $2; if (seen[who]++ >= 7) next; $1 = $2 = $3 = ""; sub(/^ +/, "")
			line[who] = line[who] (line[who] == "" ? "" : "; ") $0; if (!(who in order)) order[who] = ++no }
			END { for (w in order) printf "%d\t    %s: %s\n", order[w], w, line[w] }' | sort -n | cut -f2-
}

# _pf_pids NS COMM...: "pid label" of the namespace's processes with one of these names.
_pf_pids() {
	local ns=$1 tag
	shift
	tag=$([ "$ns" = "$E2E_CLI" ] && echo client || echo server)
	ip netns pids "$ns" | xargs -r ps -o pid=,comm= -p | awk -v t="$tag" -v want=" $* " \
		'index(want, " " $2 " ") { print $1, t "-" $2 "[" $1 "]" }'
}

# _pf_tcp NS FILTER FIELD: "rtt R ms, cwnd C, retransmitted X, peer window W B" of the
# socket ss finds with FILTER in NS that has the most FIELD (bytes_acked: the sender).
_pf_tcp() {
	ip netns exec "$1" ss -Htin state established "$2" 2>/dev/null |
		awk -v want="$3" 'function pick() { if (l == "") return; v = 0
				n = split(l, f, /[ \t]+/)
				for (i = 1; i <= n; i++) if (f[i] ~ "^" want ":") { split(f[i], x, ":"); v = x[2] + 0 }
				if (best == "" || v > best) { best = v; keep = l } }
			/^[^ \t]/ { pick(); l = $0; next } { l = l " " $0 }
			END { pick(); if (keep == "") { print "no socket"; exit }
				r = c = rt = w = "-"; n = split(keep, f, /[ \t]+/)
				for (i = 1; i <= n; i++) {
					if (f[i] ~ /^rtt:/) { split(f[i], x, "[:/]"); r = x[2] }
					if (f[i] ~ /^cwnd:/) { split(f[i], x, ":"); c = x[2] }
					if (f[i] ~ /^retrans:/) { split(f[i], x, "[:/]"); rt = x[3] }
					if (f[i] ~ /^snd_wnd:/) { split(f[i], x, ":"); w = x[2] } }
				printf "rtt %s ms, cwnd %s, retransmitted %s, peer window %s B\n", r, c, (rt == "-" ? 0 : rt), w }'
}

# _pf_nstat NS: the namespace's TCP and UDP counters since the last call (a history file
# of its own per namespace).
_pf_nstat() {
	NSTAT_HISTORY=$E2E_DIR/nstat-$1 ip netns exec "$1" nstat 2>/dev/null |
		awk '$1 ~ /^(TcpRetransSegs|TcpOutSegs|TcpExtTCPLostRetransmit|TcpExtTCPLossProbes|TcpExtTCPSackRecovery|TcpExtTCPTimeouts|UdpRcvbufErrors|UdpSndbufErrors|UdpInErrors|UdpInDatagrams)$/ { printf "%s%s %s", s, $1, $2; s = ", " }
		END { if (s == "") printf "none"; print "" }'
}

# _pf_since: seconds since the current flow began; _pf_rx: bytes iperf3's receiver side
# has taken so far (the receiving namespace's TCP counters are shared; the device is not,
# so: the bytes its interface received, where the flow ends).
_pf_since() { awk -v a="$PF_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
_pf_rx() { ip netns exec "$PF_RXNS" cat "/sys/class/net/$PF_RXDEV/statistics/rx_bytes" 2>/dev/null || echo 0; }

# _pf_phase LABEL SENDER_NS SENDER_FILTER PIDFILE: one saturated direction's profile;
# iperf3 already runs. The samples come first, the reports after (perf report is slow
# under emulation and the flow may have ended by then).
_pf_phase() {
	local label=$1 sns=$2 sfilter=$3 pids=$4 d0c d0s t0 t1 s0 s1 args=() perfd=$E2E_DIR/perf-$1.data
	local steps=() b0 b1 b2
	sleep 4
	steps+=("samples $(_pf_since)")
	_pf_nstat "$E2E_CLI" >/dev/null
	_pf_nstat "$E2E_SRV" >/dev/null
	if [ -n "${TP_CDEV:-}" ]; then
		d0c=$(_tp_qdisc_drops "$E2E_CLI" "$TP_CDEV") d0s=$(_tp_qdisc_drops "$E2E_SRV" "$TP_SDEV")
	fi
	t0=$(_pf_tcp "$sns" "$sfilter" bytes_acked)
	s0=$(_pf_tcp "$E2E_CLI" 'dport = :22 or dport = :2222' bytes_acked)
	b0=$(_pf_rx)
	if command -v perf >/dev/null; then
		sysctl -qw kernel.kptr_restrict=0 kernel.perf_event_paranoid=-1 2>/dev/null
		steps+=("perf $(_pf_since)")
		# -B: no build-id pass at the end (under emulation perf's own start and end take
		# half a minute; the flow runs long enough for the strace after it).
		perf record -q -B -a -F 499 -o "$perfd" -- sleep 4 >/dev/null 2>&1
	fi
	b1=$(_pf_rx)
	while read -r p _; do args+=(-p "$p"); done <"$pids"
	steps+=("strace $(_pf_since)")
	[ "${#args[@]}" -gt 0 ] && timeout -s INT 3 strace -q -f -qq -e signal=none "${args[@]}" \
		-o "$E2E_DIR/log/strace-$label.log" 2>/dev/null
	b2=$(_pf_rx)
	steps+=("end $(_pf_since)")
	t1=$(_pf_tcp "$sns" "$sfilter" bytes_acked)
	s1=$(_pf_tcp "$E2E_CLI" 'dport = :22 or dport = :2222' bytes_acked)
	PROFILE+=("$label:")
	PROFILE+=("  steps at (s after iperf3 began): ${steps[*]}; the receiver's bytes during perf: $((b1 - b0)), during strace: $((b2 - b1))")
	PROFILE+=("  inner flow at its sender, at the first and last step: $t0; $t1")
	PROFILE+=("  the ssh connection (client end), at the first and last step: $s0; $s1")
	PROFILE+=("  client namespace counters between the first and last step (inner TCP and ssh's; UDP: the L2TP tunnel's): $(_pf_nstat "$E2E_CLI")")
	PROFILE+=("  server namespace counters, the same: $(_pf_nstat "$E2E_SRV")")
	PROFILE+=("  (ss's line for the inner flow: $(ip netns exec "$sns" ss -Htin state established "$sfilter" 2>/dev/null | tr -s ' \t\n' ' ' | cut -c1-400))")
	if [ -n "${TP_CDEV:-}" ]; then
		PROFILE+=("  qdisc drops between the first and last step, client/server ppp device: $(($(_tp_qdisc_drops "$E2E_CLI" "$TP_CDEV") - d0c))/$(($(_tp_qdisc_drops "$E2E_SRV" "$TP_SDEV") - d0s))")
	fi
	if [ -s "$perfd" ]; then
		PROFILE+=("  CPU by process (perf, 4 s, both vCPUs; swapper = idle):")
		while IFS= read -r l; do PROFILE+=("    $l"); done < <(perf report -q -i "$perfd" \
			--stdio --sort comm --percent-limit 1 2>/dev/null | sed '/^$/d' | head -n 12)
		PROFILE+=("  hottest symbols outside the idle loop:")
		while IFS= read -r l; do PROFILE+=("    $l"); done < <(perf report -q -i "$perfd" \
			--stdio --sort comm,dso,sym --percent-limit 0.4 2>/dev/null | sed '/^$/d' | grep -v swapper | head -n 16)
	fi
	PROFILE+=("  system calls in 3 s under strace (its own cost slows every traced process; sizes are what each call returned):")
	while IFS= read -r l; do PROFILE+=("$l"); done < <(_pf_syscalls "$pids" "$E2E_DIR/log/strace-$label.log")
}

# _pf_dir DIR TARGET PORT LABEL PIDFILE: iperf3 one way (until the profile is done: at
# most 90 s), profiled.
_pf_dir() {
	local ip
	PF_T0=$EPOCHREALTIME
	_tp_rev=(); [ "$1" = cs ] || _tp_rev=(-R)
	in_cli timeout 150 iperf3 -c "$2" -p "$3" -t 90 "${_tp_rev[@]}" >"$E2E_DIR/log/pf-iperf3-$4.log" 2>&1 &
	ip=$!
	if [ "$1" = cs ]; then
		_pf_phase "$4" "$E2E_CLI" "dport = :$3" "$5"
	else
		_pf_phase "$4" "$E2E_SRV" "sport = :$TP_PORT" "$5"
	fi
	# The flow is longer than the profile needs; SIGINT makes iperf3 print its summary.
	kill -INT "$ip" 2>/dev/null
	wait "$ip"
	PROFILE+=("  iperf3 each second (Mbit/s): $(awk '/sec .*bits\/sec/ && !/sender|receiver/ { for (i = 2; i <= NF; i++) if ($i ~ /bits\/sec$/) printf "%s ", $(i - 1) }' "$E2E_DIR/log/pf-iperf3-$4.log")")
	PROFILE+=("  iperf3 over the flow (receiver): $(awk '/receiver/ { for (i = 2; i <= NF; i++) if ($i ~ /bits\/sec$/) v = $(i - 1) " " $i } END { print v }' "$E2E_DIR/log/pf-iperf3-$4.log")")
}

# tp_profile_frames [BUILD]: with build-BUILD/sshdial at both ends (variant frames@BUILD).
tp_profile_frames() {
	local pids=$E2E_DIR/pf-pids
	variant "frames${1:+@$1}"
	tp_sshdial_up "profile frames${1:+@$1}"
	{
		_pf_pids "$E2E_CLI" sshdial ssh pppd
		_pf_pids "$E2E_SRV" sshd sshdial pppd
	} >"$pids"
	PROFILE+=("=== sshdial frames${1:+@$1}, saturated (processes: $(cut -d' ' -f2 "$pids" | paste -sd' ')) ===")
	PF_RXNS=$E2E_SRV PF_RXDEV=$TP_SDEV
	_pf_dir cs "$TP_TUN_SRV" "$TP_PORT" frames-c2s "$pids"
	PF_RXNS=$E2E_CLI PF_RXDEV=$TP_CDEV
	_pf_dir sc "$TP_TUN_SRV" "$TP_PORT" frames-s2c "$pids"
	tp_sshdial_down
	wait_for 20 grep -q 'frame relay:' "$CALL_LOG"
	PROFILE+=("  the relays' counters for the whole link (c->s data is dropped in the client's relay, s->c in the server's):")
	PROFILE+=("    client: $(grep -o 'frame relay: .*' "$CALL_LOG" | tail -n1)")
	PROFILE+=("    server: $(grep -o 'frame relay ended: .*' "$SERVE_LOG" | tail -n1)")
}

tp_profile_ssh_l() {
	local pids=$E2E_DIR/pf-pids-L
	tp_bg ssh-L-profile "${TP_SSH[@]}" -N -o ExitOnForwardFailure=yes -L "127.0.0.1:5302:127.0.0.1:$TP_PORT" \
		"root@$E2E_SERVER_IP"
	wait_for 60 sh -c "ss -N '$E2E_CLI' -Hltn | grep -q '127.0.0.1:5302 '" || fail "ssh -L did not start"
	{
		_pf_pids "$E2E_CLI" ssh
		ip netns pids "$E2E_SRV" | xargs -r ps -o pid=,comm=,args= -p |
			awk '$2 == "sshd" && /root/ { print $1, "server-sshd[" $1 "]" }'
	} >"$pids"
	PROFILE+=("=== ssh -L, saturated (processes: $(cut -d' ' -f2 "$pids" | paste -sd' ')) ===")
	# The bytes of the ssh connection, at the receiving end's veth.
	PF_RXNS=$E2E_SRV PF_RXDEV=$(ip -n "$E2E_SRV" -o -4 addr show | awk -v a="$E2E_SERVER_IP/" 'index($4, a) == 1 { print $2 }')
	TP_CDEV="" _pf_dir cs 127.0.0.1 5302 ssh-L-c2s "$pids"
	PF_RXNS=$E2E_CLI PF_RXDEV=$(ip -n "$E2E_CLI" -o -4 addr show | awk -v a="$E2E_CLIENT_IP/" 'index($4, a) == 1 { print $2 }')
	TP_CDEV="" _pf_dir sc 127.0.0.1 5302 ssh-L-s2c "$pids"
	tp_bg_stop
	# The raw ssh pipe (bench/throughput's method pipe), client to server: what ssh reads
	# from its stdin pipe and writes to the socket, and sshd's side.
	local sp before
	before=$(cli_pids ssh | paste -sd' ')
	head -c $((64 << 20)) /dev/zero | in_cli "${TP_SSH[@]}" "root@$E2E_SERVER_IP" 'cat >/dev/null' &
	sp=$!
	sleep 6
	{
		cli_pids ssh | awk -v b=" $before " 'index(b, " " $1 " ") == 0 { print $1, "client-ssh-pipe[" $1 "]" }'
		ip netns pids "$E2E_SRV" | xargs -r ps -o pid=,comm=,args= -p |
			awk '($2 == "sshd" && /root/) || $2 == "cat" { print $1, "server-" $2 "[" $1 "]" }'
	} >"$pids"
	PROFILE+=("=== raw ssh pipe client->server, 64 MB (processes: $(cut -d' ' -f2 "$pids" | paste -sd' ')) ===")
	local args=()
	while read -r p _; do args+=(-p "$p"); done <"$pids"
	timeout -s INT 3 strace -q -f -qq -e signal=none "${args[@]}" -o "$E2E_DIR/log/strace-pipe.log" 2>/dev/null
	while IFS= read -r l; do PROFILE+=("$l"); done < <(_pf_syscalls "$pids" "$E2E_DIR/log/strace-pipe.log")
	wait "$sp"
}
