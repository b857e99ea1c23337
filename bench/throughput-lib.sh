# shellcheck shell=bash
# The measurements of bench/throughput, sourced in the test bed after lib.sh, call.sh and
# serve.sh. Each tp_METHOD brings its tunnel up, measures it with tp_measure and takes it
# down again; results go into the arrays below, keyed by the method's name.

declare -A QDISC_OF DROPS_OF TCP_CS TCP_SC UDP_LOSS UDP_RATE PING_IDLE PING_CS PING_SC PING_CS_MAX MTU_OF
ORDER=() PROFILE=() QUEUES=()
TP_PORT=5201
TP_SSH_PORT=2222
TP_TUN_SRV=$E2E_TUN_SERVER

tp_note() { note "$*"; }

# median V...: the median of the numbers among the arguments ("NA" when none is).
median() {
	printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -g |
		awk '{ a[NR] = $1 } END { if (!NR) { print "NA"; exit }
			m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f\n", m }'
}

# --- set-up: iperf3, a second sshd for root (the comparisons), the keys ------------------

tp_setup() {
	local conf=$E2E_DIR/sshd/sshd_config_root
	# ssh -w's tun; sshuttle's iptables (nft) NAT: the VM loads only what PPP needs.
	modprobe -q -a tun nf_tables nft_chain_nat nft_compat xt_REDIRECT xt_nat xt_tcpudp xt_hl xt_addrtype \
		2>/dev/null
	serve_setup
	serve_key bench
	TP_KEY=$SERVE_KEY
	# The sshdial key runs serve; the dialer's own key (root's copy too) the classic
	# recipe's forced command, as lib.sh's test bed has it.
	serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$TP_KEY.pub" --name bench)" \
		"command=\"$E2E_PPPD_SERVER_CMD\",no-pty,no-agent-forwarding,no-X11-forwarding $E2E_DIALER_PUBKEY"
	cp /etc/ppp/peers/sshdial-serve-noauth "$E2E_DIR/serve-noauth.orig" ||
		fail "no /etc/ppp/peers/sshdial-serve-noauth after authorize --install"

	# The comparisons log in as root on a second sshd (same binary, same host key) that
	# allows forwarding and tunnels; root's key is the test bed's /root/.ssh/id_ed25519.
	sed -e "s/^ListenAddress .*/ListenAddress $E2E_SERVER_IP:$TP_SSH_PORT/" \
		-e "s|^PidFile .*|PidFile $E2E_DIR/sshd/sshd-root.pid|" \
		-e "s/^PermitRootLogin .*/PermitRootLogin prohibit-password/" \
		"$E2E_DIR/sshd/sshd_config" >"$conf" || fail "cannot write $conf"
	printf '%s\n' "PermitTunnel yes" "AllowTcpForwarding yes" >>"$conf"
	cp /root/.ssh/id_ed25519.pub /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys ||
		fail "cannot authorize root's key"
	ip netns exec "$E2E_SRV" setpriv --pdeathsig TERM /usr/sbin/sshd -D -f "$conf" \
		-E "$E2E_DIR/log/sshd-root.log" </dev/null &
	wait_for 60 sh -c "ss -N '$E2E_SRV' -Hltn | grep -q ':$TP_SSH_PORT '" ||
		fail "the second sshd does not listen on port $TP_SSH_PORT"
	TP_SSH=(ssh -i /root/.ssh/id_ed25519 -o BatchMode=yes -o IdentitiesOnly=yes
		-o "UserKnownHostsFile=$E2E_KNOWN_HOSTS" -o "HostKeyAlias=$E2E_SERVER_IP" -p "$TP_SSH_PORT")

	in_srv ip addr add 10.99.0.1/32 dev lo
	in_srv iperf3 -s -D -p "$TP_PORT" --logfile "$E2E_DIR/log/iperf3-server.log" ||
		fail "cannot start iperf3 -s"
	wait_for 30 sh -c "ss -N '$E2E_SRV' -Hltn | grep -q ':$TP_PORT '" || fail "iperf3 -s is not listening"
	# runs, secs, udp_rate and pipe_mb: bench/throughput's settings, set before it sources this.
	# shellcheck disable=SC2154
	tp_note "bench: $runs run(s) of ${secs} s per direction and method; UDP at $udp_rate bit/s"
}

# --- measurements --------------------------------------------------------------------------

# tp_iperf TARGET PORT cs|sc: iperf3 TCP for $secs; the receiver's MB/s, or NA.
tp_iperf() {
	local args=(-c "$1" -p "$2" -t "$secs" -f M) out
	[ "$3" = sc ] && args+=(-R)
	out=$(in_cli timeout $((secs + 40)) iperf3 "${args[@]}" 2>&1) || {
		printf '%s\n' "iperf3 ${args[*]}: $out" >>"$E2E_DIR/log/iperf3-errors.log"
		echo NA
		return
	}
	awk '/receiver/ { for (i = 2; i <= NF; i++) if ($i == "MBytes/sec") v = $(i - 1) }
		END { print (v == "" ? "NA" : v) }' <<<"$out"
}

# tp_tcp NAME TARGET PORT: TCP both ways, $runs times each; medians into TCP_CS/TCP_SC.
tp_tcp() {
	local cs=() sc=() i
	for ((i = 1; i <= runs; i++)); do
		cs+=("$(tp_iperf "$2" "$3" cs)")
		sc+=("$(tp_iperf "$2" "$3" sc)")
	done
	TCP_CS[$1]=$(median "${cs[@]}")
	TCP_SC[$1]=$(median "${sc[@]}")
	ORDER+=("$1")
	tp_note "$1: TCP client->server ${cs[*]} MB/s, server->client ${sc[*]} MB/s"
}

# tp_ping TARGET COUNT: "avg max" round-trip time in ms.
tp_ping() {
	in_cli ping -q -c "$2" -i 0.2 -W 5 "$1" 2>/dev/null |
		awk -F'[/ ]+' '/^rtt|^round-trip/ { print $7, $8 }'
}

# tp_latency NAME TARGET: ping idle, and while iperf3 saturates each direction. The
# pings start 8 s into the flow and last 8 s: under emulation TCP takes seconds to fill
# the queues of the path, and a ping sent earlier sees less than the standing queue.
tp_latency() {
	local p dir
	p=$(tp_ping "$2" 15)
	PING_IDLE[$1]=${p%% *}
	for dir in cs sc; do
		_tp_rev=(); [ "$dir" = cs ] || _tp_rev=(-R)
		in_cli timeout $((secs + 80)) iperf3 -c "$2" -p "$TP_PORT" -t 20 \
			"${_tp_rev[@]}" >/dev/null 2>&1 &
		local ip=$!
		sleep 8
		p=$(tp_ping "$2" 40)
		wait "$ip"
		if [ "$dir" = cs ]; then
			PING_CS[$1]=${p%% *} PING_CS_MAX[$1]=${p##* }
		else
			PING_SC[$1]=${p%% *}
		fi
	done
	tp_note "$1: ping idle ${PING_IDLE[$1]:-NA} ms, loaded c->s ${PING_CS[$1]:-NA} ms (max ${PING_CS_MAX[$1]:-NA}), s->c ${PING_SC[$1]:-NA} ms"
}

# tp_udp NAME TARGET: UDP client->server at $udp_rate: "loss% MB/s" seen by the receiver.
# Every try's output goes to log/udp.log. A try in which the receiver got nothing (or
# iperf3 failed) is tried once more, and the note says so: under emulation iperf3's
# UDP set-up has been seen to end with "0.00 MB/s received" on links that carried TCP
# at megabytes a second just before (frames at MTU 16000, ssh -w).
tp_udp() {
	local out try loss rate log=$E2E_DIR/log/udp.log
	for try in 1 2; do
		out=$(in_cli timeout $((secs + 40)) iperf3 -c "$2" -p "$TP_PORT" -u -b "$udp_rate" -l 1200 \
			-t "$secs" -f M 2>&1)
		printf '=== %s, try %s (exit status %s):\n%s\n' "$1" "$try" "$?" "$out" >>"$log"
		loss=$(awk '/receiver/ { for (i = 2; i <= NF; i++) if ($i ~ /^\([0-9.e+-]+%\)$/) { v = $i; gsub(/[(%)]/, "", v) } }
			END { print (v == "" ? "NA" : v) }' <<<"$out")
		rate=$(awk '/receiver/ { for (i = 2; i <= NF; i++) if ($i == "MBytes/sec") v = $(i - 1) }
			END { print (v == "" ? "NA" : v) }' <<<"$out")
		awk -v r="$rate" 'BEGIN { exit !(r + 0 > 0) }' && break
		tp_note "$1: UDP try $try: ${loss}% lost, $rate MB/s received (iperf3's output: $log)"
	done
	UDP_LOSS[$1]=$loss UDP_RATE[$1]=$rate
	[ "$try" = 2 ] && UDP_RATE[$1]="$rate(2)"
	tp_note "$1: UDP at $udp_rate bit/s: ${UDP_LOSS[$1]}% lost, ${UDP_RATE[$1]} MB/s received"
}

# tp_measure NAME TARGET [ip]: TCP; with "ip" (an IP tunnel) also UDP and ping.
tp_measure() {
	tp_tcp "$1" "$2" "$TP_PORT"
	[ "${3:-}" = ip ] || return 0
	tp_udp "$1" "$2"
	tp_latency "$1" "$2"
}

# --- methods ------------------------------------------------------------------------------

_tp_server_pppd_gone() { [ "$(serve_pppd_count)" = 0 ]; }
_tp_n=0

# tp_sshdial_up NAME: the server.conf, server options and peer file of the current
# variant (V_SRV, V_OPT, V_CLI); the link up. Sets TP_PEER.
tp_sshdial_up() {
	TP_NAME=$1
	_tp_n=$((_tp_n + 1))
	TP_PEER=tp$_tp_n
	{
		echo "pool 192.168.77.0/24"
		echo "local-address $E2E_TUN_SERVER"
		echo "lease-dir $SERVE_LEASES"
		echo "log-file $SERVE_LOG"
		echo "key bench"
		printf '    %s\n' "${V_SRV[@]}"
	} >"$SERVE_CONF" || fail "cannot write $SERVE_CONF"
	{
		cat "$E2E_DIR/serve-noauth.orig"
		printf '%s\n' "${V_OPT[@]}"
	} >/etc/ppp/peers/sshdial-serve-noauth || fail "cannot write the server's options"
	serve_peer "$TP_PEER" "$TP_KEY" "${V_CLI[@]}"
	# Another build of sshdial (V_BIN) at both ends: in place of the installed copy that
	# the server side runs, and as the client's.
	if [ -n "${V_BIN:-}" ]; then
		[ -x "$V_BIN" ] || fail "$1: no sshdial at $V_BIN (build it: make B=${V_BIN%/sshdial})"
		cp --remove-destination "$V_BIN" "$E2E_SSHDIAL_INSTALLED" || fail "cannot install $V_BIN"
		SSHDIAL=$V_BIN
	fi
	call_start "$TP_PEER"
	call_wait_up 150
	ping_through "$TP_TUN_SRV" 60
	local cdev sdev
	cdev=$(ppp_dev)
	sdev=$(ip -n "$E2E_SRV" -o link show type ppp | awk -F': ' '{ print $2; exit }')
	if [ -n "$V_DEV" ]; then
		sleep 2 # after the ip-up hooks at both ends, which set their own queue
		local cmds c
		IFS=';' read -ra cmds <<<"$V_DEV"
		for c in "${cmds[@]}"; do
			# shellcheck disable=SC2086
			ip netns exec "$E2E_CLI" ${c//DEV/$cdev} && ip netns exec "$E2E_SRV" ${c//DEV/$sdev} ||
				fail "$1: cannot run '$c' on $cdev and $sdev"
		done
	fi
	MTU_OF[$1]=$(ip -n "$E2E_CLI" -o link show "$cdev" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
	QDISC_OF[$1]="$(ip -n "$E2E_CLI" -o link show "$cdev" | sed -n 's/.* qdisc \([^ ]*\) .*qlen \([0-9]*\).*/\1 qlen \2/p')"
	TP_CDEV=$cdev TP_SDEV=$sdev
}

# _tp_qdisc_drops NS DEV: packets the device's root qdisc dropped.
_tp_qdisc_drops() {
	ip netns exec "$1" tc -s qdisc show dev "$2" | awk '/dropped/ { sub(/,/, "", $7); s += $7 } END { print s + 0 }'
}

tp_sshdial_down() {
	DROPS_OF[$TP_NAME]="$(_tp_qdisc_drops "$E2E_CLI" "$TP_CDEV")/$(_tp_qdisc_drops "$E2E_SRV" "$TP_SDEV")"
	tp_note "$TP_NAME: ${QDISC_OF[$TP_NAME]}; qdisc drops client/server ${DROPS_OF[$TP_NAME]}"
	call_stop
	wait_for 60 _tp_server_pppd_gone || note "warning: the server's pppd is still running"
	if [ -n "${V_BIN:-}" ]; then
		cp --remove-destination "$E2E_SSHDIAL" "$E2E_SSHDIAL_INSTALLED" || fail "cannot reinstall $E2E_SSHDIAL"
		# Read by call.sh's call_start ("$SSHDIAL" call).
		# shellcheck disable=SC2034
		SSHDIAL=$E2E_SSHDIAL
	fi
}

tp_sshdial() {
	tp_sshdial_up "$1"
	tp_measure "$1" "$TP_TUN_SRV" ip
	tp_sshdial_down
}

_tp_classic_up() { ip -n "$E2E_CLI" -o -4 addr show | grep -q " $E2E_TUN_CLIENT peer "; }

tp_classic() {
	local name="classic pppd pty ssh" pid
	ip netns exec "$E2E_CLI" /usr/sbin/pppd pty "ssh -e none -o BatchMode=yes pppuser@$E2E_SERVER_IP false" \
		user pppuser noauth nodetach >"$E2E_DIR/log/classic.log" 2>&1 &
	pid=$!
	e2e_log "$E2E_DIR/log/classic.log"
	if wait_for 150 _tp_classic_up && ping_through "$TP_TUN_SRV" 60; then
		MTU_OF[$name]=$(ip -n "$E2E_CLI" -o link show type ppp | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
		tp_measure "$name" "$TP_TUN_SRV" ip
	else
		note "warning: the classic recipe's link did not come up (see classic.log)"
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	wait_for 60 _tp_server_pppd_gone || note "warning: the server's pppd is still running"
}

# tp_bg NAME CMD...: CMD in the client namespace in the background; sets TP_BG.
tp_bg() {
	local log=$E2E_DIR/log/$1.log
	shift
	e2e_log "$log"
	ip netns exec "$E2E_CLI" "$@" </dev/null >"$log" 2>&1 &
	TP_BG=$!
}

tp_bg_stop() {
	kill "$TP_BG" 2>/dev/null
	wait "$TP_BG" 2>/dev/null
}

# tp_ssh_l_up [CIPHER...]: ssh -L forwarding 127.0.0.1:5301 in the client to iperf3 -s, in
# the background (tp_bg_stop ends it), with ssh's options CIPHER... ("-c NAME") if any.
tp_ssh_l_up() {
	tp_bg ssh-L "${TP_SSH[@]}" "$@" -N -o ExitOnForwardFailure=yes -L "127.0.0.1:5301:127.0.0.1:$TP_PORT" \
		"root@$E2E_SERVER_IP"
	wait_for 60 sh -c "ss -N '$E2E_CLI' -Hltn | grep -q '127.0.0.1:5301 '" || fail "ssh -L did not start"
}

# tp_ssh_l [CIPHER]: ssh -L with ssh's own cipher preference, or with CIPHER ("ssh -L CIPHER").
tp_ssh_l() {
	local name="ssh -L" c=()
	[ -n "${1:-}" ] && name="ssh -L $1" c=(-c "$1")
	tp_ssh_l_up "${c[@]}"
	tp_tcp "$name" 127.0.0.1 5301
	tp_bg_stop
}

# The raw pipe: bytes counted from the first one that arrives (the handshake excluded).
tp_pipe() {
	# runs, secs, udp_rate and pipe_mb: bench/throughput's settings, set before it sources this.
	# shellcheck disable=SC2154
	local cs=() sc=() i bytes=$((pipe_mb * 1048576)) out
	for ((i = 1; i <= runs; i++)); do
		# Client to server: the server stamps the first byte and the end.
		out=$(head -c "$bytes" /dev/zero | in_cli "${TP_SSH[@]}" "root@$E2E_SERVER_IP" \
			'dd bs=1 count=1 of=/dev/null 2>/dev/null; date +%s.%N; cat >/dev/null; date +%s.%N')
		cs+=("$(awk -v b="$bytes" 'NR == 1 { a = $1 } NR == 2 { if ($1 > a) printf "%.2f\n", (b - 1) / ($1 - a) / 1048576 }' <<<"$out")")
		# Server to client: the client does.
		out=$(in_cli bash -c '"$@" "printf x; head -c '"$bytes"' /dev/zero" | {
			dd bs=1 count=1 of=/dev/null 2>/dev/null; a=$EPOCHREALTIME
			n=$(wc -c); b=$EPOCHREALTIME; echo "$n $a $b"; }' _ "${TP_SSH[@]}" "root@$E2E_SERVER_IP")
		sc+=("$(awk '{ if ($3 > $2 && $1 > 0) printf "%.2f\n", $1 / ($3 - $2) / 1048576 }' <<<"$out")")
	done
	TCP_CS["raw ssh pipe"]=$(median "${cs[@]}")
	TCP_SC["raw ssh pipe"]=$(median "${sc[@]}")
	ORDER+=("raw ssh pipe")
	tp_note "raw ssh pipe: client->server ${cs[*]} MB/s, server->client ${sc[*]} MB/s"
}

_tp_tun_up() { ip -n "$E2E_CLI" link show tun7 && ip -n "$E2E_SRV" link show tun7; }

# tp_ssh_w_up: ssh -w's tun7 at both ends, 10.88.0.1 to 10.88.0.2, in the background
# (tp_bg_stop ends it); 1, with a warning and ssh stopped, when ssh made no tun7.
tp_ssh_w_up() {
	tp_bg ssh-w "${TP_SSH[@]}" -N -o ExitOnForwardFailure=yes -o Tunnel=point-to-point -w 7:7 \
		"root@$E2E_SERVER_IP"
	if ! wait_for 60 _tp_tun_up; then
		note "warning: ssh -w made no tun7 at both ends (see ssh-w.log)"
		tp_bg_stop
		return 1
	fi
	ip -n "$E2E_CLI" addr add 10.88.0.1 peer 10.88.0.2 dev tun7 && ip -n "$E2E_CLI" link set tun7 up &&
		ip -n "$E2E_SRV" addr add 10.88.0.2 peer 10.88.0.1 dev tun7 && ip -n "$E2E_SRV" link set tun7 up ||
		fail "cannot configure tun7"
	ping_through 10.88.0.2 60
}

tp_ssh_w() {
	tp_ssh_w_up || return 0
	MTU_OF["ssh -w tun"]=1500
	tp_measure "ssh -w tun" 10.88.0.2 ip
	tp_bg_stop
}

tp_sshuttle() {
	# A route for the target, through lo: without sshuttle's redirect nothing answers.
	ip -n "$E2E_CLI" route add 10.99.0.0/24 dev lo || fail "cannot route 10.99.0.0/24 in the client"
	tp_bg sshuttle sshuttle --method nat --python /usr/bin/python3 -e "${TP_SSH[*]}" \
		-r "root@$E2E_SERVER_IP" 10.99.0.0/24
	if ! wait_for 90 grep -q 'Connected' "$E2E_DIR/log/sshuttle.log"; then
		note "warning: sshuttle did not connect (see sshuttle.log)"
		tp_bg_stop
		return 0
	fi
	tp_tcp "sshuttle" 10.99.0.1 "$TP_PORT"
	tp_bg_stop
	ip -n "$E2E_CLI" route del 10.99.0.0/24 dev lo
	wait_for 30 sh -c "! ip netns exec '$E2E_CLI' iptables -t nat -S | grep -q sshuttle" ||
		note "warning: sshuttle left NAT rules behind"
}
# shellcheck source=bench/throughput-profile.sh
. "$E2E_TOP/bench/throughput-profile.sh"
# shellcheck source=bench/throughput-queues.sh
. "$E2E_TOP/bench/throughput-queues.sh"
# shellcheck source=bench/throughput-cost.sh
. "$E2E_TOP/bench/throughput-cost.sh"
