# shellcheck shell=bash
# roam.sh: a second uplink for the client, for the roaming scenarios (issue 23). Source
# after lib.sh, e2e_setup (E2E_TOPOLOGY=routed) and call.sh, then call roam_setup:
#
#   client e2e0 10.77.1.1/24 (uplink A, as lib.sh made it) <-> rtr-cli 10.77.1.254
#   client e2e1 (uplink B: down, no address)               <-> rtr-cli2 10.77.4.254/24
#
# roam_to_b / roam_to_a: the client moves: the old uplink goes down (its address and
# default route with it), the new one comes up with its address and default route.
# Each sets ROAM_ROUTE_AT (now) just after the new default route is in.
# roam_within T0 T1 LIMIT, roam_add A B, roam_max A B: arithmetic on seconds.

ROAM_B_IP=10.77.4.1

roam_setup() {
	[ -n "${E2E_RTR:-}" ] || fail "roam.sh needs E2E_TOPOLOGY=routed"
	ip link add e2e1 netns "$E2E_CLI" type veth peer name rtr-cli2 netns "$E2E_RTR" ||
		fail "cannot create the second uplink's veth pair"
	printf '%s\n' "addr add 10.77.4.254/24 dev rtr-cli2" "link set rtr-cli2 up" |
		ip -n "$E2E_RTR" -batch - || fail "cannot configure the router's second uplink"
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
	ROAM_ROUTE_AT=$(now)
}

roam_to_b() { _roam_move e2e0 e2e1 "$ROAM_B_IP" 10.77.4.254; }
roam_to_a() { _roam_move e2e1 e2e0 "$E2E_CLIENT_IP" 10.77.1.254; }

# roam_within T0 T1 LIMIT: 0 when T1 - T0 <= LIMIT.
roam_within() { awk -v a="$1" -v b="$2" -v l="$3" 'BEGIN { exit !(b - a <= l) }'; }
# roam_add A B: A + B, one decimal.
roam_add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a + b }'; }
# roam_max A B
roam_max() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a > b ? a : b) }'; }
