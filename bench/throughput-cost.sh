# shellcheck shell=bash
# bench/throughput's methods cost and cost-VARIANT: what one megabyte costs in CPU time on
# each path, sourced by throughput-lib.sh. Under emulation every path that ssh -L beats is
# CPU-bound (ssh -L leaves the VM's two vCPUs under 2 % idle), so a path can carry at most
# cost(ssh -L) / cost(path) of what ssh -L carries: that ratio is the ceiling the CPU
# leaves, and how close a path's throughput ratio comes to it says how much is lost to
# something else (the inner TCP's losses, waiting). Unlike a throughput figure, a cost
# per megabyte does not depend on how a flow's losses fall, so it moves little between
# runs.
#
# Each measurement moves BENCH_COST_MB megabytes with iperf3 -n (client to server, then
# -R) and reads, before and after, the machine's CPU time from /proc/stat (busy = user,
# nice, system, irq, softirq, steal) and every process's user + system time from
# /proc/PID/stat, summed by name; the iperf3 client's own time comes from its parent's
# count of waited-for children. The machine's time at rest, measured once for 5 s
# before the first method, is taken off each run's total (as busy time per second
# times the run's length). Median of BENCH_RUNS runs per direction.

# Per path, the median run of each direction: "MB/s ms/MB idle% split..." (_tc_run).
declare -A COST_CS COST_SC
COST_ORDER=()
_tc_hz=$(getconf CLK_TCK)
_tc_rest=""
# The split: the processes' own user + system time by name (the kernel's work in their
# system calls, and softirq work that ran in them, included), sshdial and iperf3 by the
# end they run at (c: the client's network namespace, s: the server's); kthreads:
# ksoftirqd and kworker; then the machine's softirq time wherever it ran. The processes'
# times come from the scheduler's clock and the machine's from ticks, so the split does
# not add up exactly to the total.
_tc_groups="ssh sshd sshdial:c sshdial:s pppd iperf3:c iperf3:s kthreads softirq"
# The processes that each run in one thread, one per column: the busiest of them bounds
# a path on a machine with a core to spare for each (ssh -L: ssh or sshd).
_tc_threads="ssh sshd sshdial:c sshdial:s"

# _tc_snap FILE: "pid name ticks" per process, then "=busy", "=idle", "=softirq" ticks
# of the whole machine, then "=t" seconds since the epoch.
_tc_snap() {
	local p cli=()
	for p in /proc/[0-9]*; do
		[ "$p/ns/net" -ef "/run/netns/$E2E_CLI" ] && cli+=("${p#/proc/}")
	done
	{
		awk '/^cpu / { print "=busy", $2 + $3 + $4 + $7 + $8 + $9; print "=idle", $5 + $6; print "=softirq", $8 }' /proc/stat
		cat /proc/[0-9]*/stat 2>/dev/null | awk -v cli="${cli[*]}" '
			BEGIN { n = split(cli, cp, " "); for (i = 1; i <= n; i++) incli[cp[i]] = 1 }
			{
			l = $0; o = index(l, "("); c = 0
			for (i = length(l); i > 0; i--) if (substr(l, i, 1) == ")") { c = i; break }
			if (!o || !c) next
			pid = substr(l, 1, o - 2)
			name = substr(l, o + 1, c - o - 1); n = split(substr(l, c + 2), f, " ")
			if (n < 13) next
			if (name ~ /^(ksoftirqd|kworker)/) name = "kthreads"
			else if (name == "sshdial" || name == "iperf3") name = name (pid in incli ? ":c" : ":s")
			else if (name != "ssh" && name != "sshd" && name != "pppd") next
			print pid, name, f[12] + f[13] }'
		echo "=t $EPOCHREALTIME"
	} >"$1"
}

# _tc_rest: the machine's busy ticks per second at rest (no flow), measured once.
_tc_rest() {
	[ -n "$_tc_rest" ] && return
	local a=$E2E_DIR/cost-rest.a b=$E2E_DIR/cost-rest.b
	_tc_snap "$a"
	sleep 5
	_tc_snap "$b"
	_tc_rest=$(awk '$1 == "=busy" { if (FILENAME == ARGV[1]) x = $2; else y = $2 }
		$1 == "=t" { if (FILENAME == ARGV[1]) s = $2; else e = $2 }
		END { printf "%.3f\n", (e > s ? (y - x) / (e - s) : 0) }' "$a" "$b")
	tp_note "cost: the machine at rest: $_tc_rest busy ticks/s ($_tc_hz ticks/s per vCPU)"
}

# _tc_run TARGET PORT cs|sc: moves $cost_mb MB; prints "MB/s ms/MB idle% busiest g1 g2 ..."
# (ms per MB: the machine's, the busiest of _tc_threads', each group's in _tc_groups'
# order), or NA.
_tc_run() {
	local a=$E2E_DIR/cost.a b=$E2E_DIR/cost.b args=(-c "$1" -p "$2" -n "${cost_mb}M" -f M) out
	[ "$3" = sc ] && args+=(-R)
	_tc_snap "$a"
	out=$(in_cli timeout 600 bash -c 'iperf3 "$@" >/dev/null 2>&1; s=$?; read -r l </proc/$$/stat; echo "$s ${l##*) }"' \
		_ "${args[@]}")
	_tc_snap "$b"
	# The iperf3 client's status, then its parent's fields from the state on: the waited-
	# for children's user and system ticks are the 14th and 15th.
	read -r -a f <<<"$out"
	if [ "${f[0]:-1}" != 0 ]; then
		printf '%s\n' "cost: iperf3 ${args[*]} failed (exit status ${f[0]:-none})" >>"$E2E_DIR/log/iperf3-errors.log"
		echo NA
		return
	fi
	awk -v mb="$cost_mb" -v hz="$_tc_hz" -v rest="$_tc_rest" -v client=$((f[14] + f[15])) -v groups="$_tc_groups" -v threads="$_tc_threads" '
		FILENAME == ARGV[1] { if ($1 ~ /^=/) m0[$1] = $2; else p0[$1] = $3; next }
		$1 ~ /^=/ { m1[$1] = $2; next }
		{ g[$2] += $3 - ($1 in p0 ? p0[$1] : 0) }
		END {
			secs = m1["=t"] - m0["=t"]
			if (secs <= 0) { print "NA"; exit }
			busy = m1["=busy"] - m0["=busy"] - rest * secs
			idle = m1["=idle"] - m0["=idle"]
			g["iperf3:c"] += client
			g["softirq"] = m1["=softirq"] - m0["=softirq"]
			n = split(groups, gn, " ")
			ms = 1000 / hz / mb
			nt = split(threads, tn, " ")
			top = 0
			for (i = 1; i <= nt; i++) if (g[tn[i]] > top) top = g[tn[i]]
			printf "%.2f %.1f %.1f %.1f", mb / secs, busy * ms, 100 * idle / (idle + m1["=busy"] - m0["=busy"]), top * ms
			for (i = 1; i <= n; i++) printf " %.1f", g[gn[i]] * ms
			printf "\n"
		}' "$a" "$b"
}

# _tc_median_rows ROW...: the row whose cost (2nd field) is the median (the lower middle).
_tc_median_rows() {
	printf '%s\n' "$@" | grep -v '^NA' | sort -g -k2,2 | awk '{ a[NR] = $0 } END { if (NR) print a[int((NR + 1) / 2)]; else print "NA" }'
}

# tp_cost NAME TARGET PORT: the cost of one path already up, both directions.
tp_cost() {
	local cs=() sc=() i
	_tc_rest
	# runs, secs, udp_rate: bench/throughput's settings, set before it sources this.
	# shellcheck disable=SC2154
	for ((i = 1; i <= runs; i++)); do
		cs+=("$(_tc_run "$2" "$3" cs)")
		sc+=("$(_tc_run "$2" "$3" sc)")
	done
	tp_note "cost $1: client->server runs: $(printf '[%s] ' "${cs[@]}")"
	tp_note "cost $1: server->client runs: $(printf '[%s] ' "${sc[@]}")"
	COST_CS[$1]=$(_tc_median_rows "${cs[@]}")
	COST_SC[$1]=$(_tc_median_rows "${sc[@]}")
	COST_ORDER+=("$1")
}

# tp_cost_paths: ssh -L, sshdial with its defaults and with the pty, ssh -w.
tp_cost_paths() {
	tp_ssh_l_up
	tp_cost "ssh -L" 127.0.0.1 5301
	tp_bg_stop
	variant defaults && tp_cost_sshdial "sshdial (defaults)"
	variant pty && tp_cost_sshdial "sshdial pty"
	if tp_ssh_w_up; then
		tp_cost "ssh -w tun" 10.88.0.2 "$TP_PORT"
		tp_bg_stop
	fi
}

# tp_cost_sshdial NAME: the current variant's sshdial link up, its cost, down.
tp_cost_sshdial() {
	local ended
	ended=$(grep -c 'frame relay ended:' "$SERVE_LOG" 2>/dev/null)
	tp_sshdial_up "$1"
	tp_cost "$1" "$TP_TUN_SRV" "$TP_PORT"
	tp_sshdial_down
	# The frame relays' end lines (none on the pty): what each dropped, and why
	# (a datagram dropped for want of a proof of its session costs the inner TCP a
	# retransmission).
	if wait_for 20 sh -c "[ \"\$(grep -c 'frame relay ended:' '$SERVE_LOG')\" -gt '${ended:-0}' ]"; then
		tp_note "cost $1: client relay: $(grep -o 'frame relay: .*' "$CALL_LOG" | tail -n1)"
		tp_note "cost $1: server relay: $(grep -o 'frame relay ended: .*' "$SERVE_LOG" | tail -n1)"
	fi
}

# tp_cost_report: the table, and the ceiling each path's CPU cost leaves it.
tp_cost_report() {
	[ "${#COST_ORDER[@]}" -gt 0 ] || return 0
	local n dir row rate cost idle top split ref ref_top ref_cs ref_sc top_cs top_sc
	read -r _ ref_cs _ top_cs _ <<<"${COST_CS["ssh -L"]:-NA NA NA NA}"
	read -r _ ref_sc _ top_sc _ <<<"${COST_SC["ssh -L"]:-NA NA NA NA}"
	echo
	echo "=== what a megabyte costs (CPU ms per MB moved; iperf3 -n ${cost_mb}M, the median run of $runs) ==="
	echo "ms/MB: busy time of both vCPUs, less the machine at rest. ceiling: ms/MB of ssh -L / ms/MB of the path, the share of"
	echo "ssh -L's throughput the path's cost allows when both fill the CPU. busiest: ms/MB of the busiest one-thread process"
	echo "(ssh, sshd, sshdial at either end); ceil-1: the same ratio for it, the bound on a machine with a core for each."
	echo "Then each process's own time by name (c/s: client/server end), and the machine's softirq time."
	printf '%-22s %-4s %6s %7s %5s %7s %7s %6s' method dir "MB/s" "ms/MB" "idle%" ceiling busiest ceil-1
	# shellcheck disable=SC2086
	printf ' %9s' $_tc_groups
	printf '\n'
	for n in "${COST_ORDER[@]}"; do
		for dir in cs sc; do
			if [ "$dir" = cs ]; then
				row=${COST_CS[$n]} ref=$ref_cs ref_top=$top_cs
			else
				row=${COST_SC[$n]} ref=$ref_sc ref_top=$top_sc
			fi
			read -r rate cost idle top split <<<"$row"
			[ "$rate" = NA ] && cost=NA idle=NA top=NA split=""
			printf '%-22s %-4s %6s %7s %5s %7s %7s %6s' "$n" "$([ "$dir" = cs ] && echo "c>s" || echo "s>c")" \
				"$rate" "$cost" "$idle" "$(ratio "$ref" "$cost")" "$top" "$(ratio "$ref_top" "$top")"
			# shellcheck disable=SC2086
			[ -z "$split" ] || printf ' %9s' $split
			printf '\n'
		done
	done
	printf 'COST'
	for n in "${COST_ORDER[@]}"; do
		read -r _ cost _ <<<"${COST_CS[$n]} NA"
		read -r _ ref _ <<<"${COST_SC[$n]} NA"
		[ "${COST_CS[$n]}" = NA ] && cost=NA
		[ "${COST_SC[$n]}" = NA ] && ref=NA
		printf ' %s=%s/%s' "${n// /_}" "$cost" "$ref"
	done
	echo
}
