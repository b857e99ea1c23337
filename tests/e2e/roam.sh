# shellcheck shell=bash
# roam.sh: a second uplink for the client, for the roaming scenarios. Source
# after lib.sh, e2e_setup (E2E_TOPOLOGY=routed) and call.sh, then call roam_setup:
#
#   client e2e0 10.77.1.1/24 (uplink A, as lib.sh made it) <-> rtr-cli 10.77.1.254
#   client e2e1 (uplink B: down, no address)               <-> rtr-cli2 10.77.4.254/24
#
# roam_to_b / roam_to_a: the client moves: the old uplink goes down (its address and
# default route with it), the new one comes up with its address and default route.
# Each sets ROAM_ROUTE_AT (now) just after the new default route is in.
# roam_stamp LOG: from now on, each line of LOG with the time it was written
#   ($EPOCHREALTIME as tail -F hands it over, no fork per line), into $E2E_DIR/stamped:
#   the times compared are the log's own, not those of a poll that found a line later.
# roam_check WHAT MOVE N: MOVE (roam_to_b or roam_to_a); the link must be back (the Nth
#   'up after' line of $ROAM_LOG, the call's or the daemon's log) within one ssh handshake
#   plus 1 s of the new default route. The handshake is measured in the same run: the
#   longer of the link's first 'up after' and this redial's own (from its dial to ip-up).
# roam_within T0 T1 LIMIT, roam_add A B, roam_max A B: arithmetic on seconds.
# ROAM_KILL_SWITCH=1 (route-all with its kill switch): roam_check also sends root's ping
#   and UDP to the server while the link redials, and asserts that the router saw no
#   packet from the client on either uplink but ssh's (the counter 'leak' of roam_setup's
#   table, as topo4.sh's for 71).

ROAM_B_IP=10.77.4.1

roam_setup() {
	[ -n "${E2E_RTR:-}" ] || fail "roam.sh needs E2E_TOPOLOGY=routed"
	ip link add e2e1 netns "$E2E_CLI" type veth peer name rtr-cli2 netns "$E2E_RTR" ||
		fail "cannot create the second uplink's veth pair"
	printf '%s\n' "addr add 10.77.4.254/24 dev rtr-cli2" "link set rtr-cli2 up" |
		ip -n "$E2E_RTR" -batch - || fail "cannot configure the router's second uplink"
	# Every packet from the client into the router on either uplink but ssh's, neighbour
	# discovery, link-local and multicast: counted as a leak. The VM's kernel loads no
	# module by itself (its modprobe helper is the initramfs's).
	modprobe -q -a nf_tables nft_objref 2>/dev/null
	ip netns exec "$E2E_RTR" nft -f - <<NFT || fail "cannot load the router's leak counter"
table inet roam {
	counter leak { }
	chain pre {
		type filter hook prerouting priority -300; policy accept;
		iifname != { "rtr-cli", "rtr-cli2" } accept
		ip daddr $E2E_SERVER_IP tcp dport 22 accept
		ip6 saddr fe80::/10 accept
		ip6 daddr ff00::/8 accept
		icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit } accept
		counter name leak
	}
}
NFT
	# The server answers the client's new address as well (its default route is the
	# router already); known_hosts is by the server's address, which does not change.
}

_roam_move() { # OLD-DEV NEW-DEV NEW-IP NEW-GW OLD-IP
	ip -n "$E2E_CLI" link set "$1" down &&
		ip -n "$E2E_CLI" addr flush dev "$1" &&
		ip -n "$E2E_CLI" addr add "$3/24" dev "$2" &&
		ip -n "$E2E_CLI" link set "$2" up &&
		ip -n "$E2E_CLI" route replace default via "$4" dev "$2" ||
		fail "cannot move the client from $1 to $2"
	ROAM_ROUTE_AT=$EPOCHREALTIME
}

roam_to_b() { _roam_move e2e0 e2e1 "$ROAM_B_IP" 10.77.4.254; }
roam_to_a() { _roam_move e2e1 e2e0 "$E2E_CLIENT_IP" 10.77.1.254; }

# roam_within T0 T1 LIMIT: 0 when T1 - T0 <= LIMIT.
roam_within() { awk -v a="$1" -v b="$2" -v l="$3" 'BEGIN { exit !(b - a <= l) }'; }
# roam_add A B: A + B, one decimal.
roam_add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a + b }'; }
# roam_max A B
roam_max() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a > b ? a : b) }'; }

# roam_up_after N: the seconds of the Nth 'up after' line of $ROAM_LOG.
roam_up_after() { grep -oE ': up after [0-9.]+ s' "$ROAM_LOG" | sed -n "${1}p" | grep -oE '[0-9.]+'; }
_roam_up_n() { [ "$(grep -c ': up after ' "$ROAM_LOG")" -ge "$1" ]; }

roam_stamp() {
	ROAM_LOG=$1
	tail -n +1 -F "$ROAM_LOG" 2>/dev/null | while IFS= read -r line; do
		printf '%s %s\n' "$EPOCHREALTIME" "$line"
	done >>"$E2E_DIR/stamped" &
	# Read by the scenarios that source this file.
	# shellcheck disable=SC2034
	ROAM_STAMPER=$!
}
roam_leaks() {
	ip netns exec "$E2E_RTR" nft list counter inet roam leak | grep -oE 'packets [0-9]+' | grep -oE '[0-9]+'
}
# Root's traffic to the server outside the link, while it redials: held by the kill switch.
_roam_send() {
	in_cli ping -c 3 -i 0.3 -W 1 "$E2E_SERVER_IP" >/dev/null 2>&1
	in_cli bash -c "echo leak >/dev/udp/$E2E_SERVER_IP/9" 2>/dev/null
	in_cli ping -c 1 -W 1 "$E2E_SERVER_IP" >/dev/null 2>&1
}

# _roam_up_since T: prints the number of the first 'up after' line stamped after T (false
# while there is none).
_roam_up_since() {
	grep ': up after ' "$E2E_DIR/stamped" | awk -v t="$1" '$1 > t { print NR; f = 1; exit } END { exit !f }'
}

roam_check() {
	local what=$1 move=$2 n t_up took hs limit
	# The first 'up after' line stamped after the new default route is the one to wait for:
	# a link that a loaded machine's probe declared dead before may come up more often, also
	# while the move's commands run (counting lines before the move let such an earlier up
	# count, "back -3.1s").
	[ -z "${ROAM_KILL_SWITCH:-}" ] ||
		ip netns exec "$E2E_RTR" nft reset counters table inet roam >/dev/null
	"$move"
	[ -z "${ROAM_KILL_SWITCH:-}" ] || _roam_send
	wait_for 150 _roam_up_since "$ROAM_ROUTE_AT" >/dev/null ||
		fail "$what: the link was not back within 150 s of the new default route: $(_roam_story)"
	n=$(_roam_up_since "$ROAM_ROUTE_AT")
	t_up=$(grep ': up after ' "$E2E_DIR/stamped" | sed -n "${n}p" | cut -d' ' -f1)
	took=$(awk -v a="$ROAM_ROUTE_AT" -v b="$t_up" 'BEGIN { printf "%.1f", b - a }')
	hs=$(roam_max "$(roam_up_after 1)" "$(roam_up_after "$n")")
	limit=$(roam_add "$hs" 1)
	note "$what: back ${took}s after the new default route (handshake ${hs}s: first up $(roam_up_after 1)s, this one $(roam_up_after "$n")s; bound ${limit}s)"
	roam_within "$ROAM_ROUTE_AT" "$t_up" "$limit" ||
		fail "$what: the link was back only ${took}s after the new default route, more than the handshake (${hs}s) plus 1 s: $(_roam_story)"
	ping_through "$E2E_TUN_SERVER" 60
	[ -z "${ROAM_KILL_SWITCH:-}" ] ||
		assert_eq "$(roam_leaks)" 0 "$what: packets from the client outside the link while it redialed"
}

# What the link did, from the log: its path, dials, verdicts and ups (for a failure).
_roam_story() {
	printf '\n'
	grep -E ': (path to |dialing |up after |link dead|link down|[a-z]+ -> [a-z]+$)' "$ROAM_LOG" |
		tail -n 40 | sed 's/^/      /'
}
