#!/bin/bash
# Five faults in a row (pppd killed, ssh killed, the path blackholed, ssh killed, pppd
# killed), the link coming back after each. Afterwards nothing has leaked: the client
# runs sshdial with one pppd and one ssh as before, sshdial holds as many descriptors as
# after the first 'up', the routing tables are as they were (the peer's routes once each),
# and no child of sshdial is a zombie.
# Each recovery is asserted: up again within one handshake (the longer of the first 'up
# after' and the redial's own) + 10 s of the fault's end (the kill; the blackhole's end):
# a kill redials at once (its hang-up grace is 3 s), and the path's return is found by
# the knock on the server's port within a second, so neither waits out a backoff (up to
# 30 s) or TCP's SYN retransmissions (15 s apart by then). The blackholed link is down
# within health-timeout + 5 s of the blackhole.
E2E_TOPOLOGY=routed
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

in_srv ip addr add 10.99.0.1/24 dev lo
peer_file e2e-cycles "route 10.99.0.0/24" "route 10.98.7.0/24"
call_start e2e-cycles
call_wait_up
note "up ${CALL_UP_AFTER}s after start"
assert_eq "$(cat "/proc/$CALL_PID/comm")" sshdial "the process started by call_start"

# snapshot NAME: what may not leak, in $E2E_DIR/NAME.*. Each session may get another ppp
# unit number and other IPv6CP link-local addresses (pppd makes them up per session).
snapshot() {
	ls -l "/proc/$CALL_PID/fd" | awk 'NR > 1 { print $9, $11 }' |
		sed -E 's/\[[0-9]+\]/[N]/; s/ptmx|pts\/[0-9]+/pty/' >"$E2E_DIR/$1.fd"
	{
		ip -n "$E2E_CLI" -4 route show table all
		ip -n "$E2E_CLI" -6 route show table all
	} | sed -E 's/ppp[0-9]+/pppN/g; s/fe80::[0-9a-f:]+ dev pppN/fe80::IPV6CP dev pppN/' |
		sort >"$E2E_DIR/$1.routes"
	ip netns pids "$E2E_CLI" | xargs -r ps -o comm= -p | sort >"$E2E_DIR/$1.procs"
	ps -o stat=,pid=,comm= --ppid "$CALL_PID" >"$E2E_DIR/$1.children"
}

up_after() { grep -oE ': up after [0-9.]+ s' "$CALL_LOG" | sed -n "${1}p" | grep -oE '[0-9.]+'; }

settled() {
	ping_through 10.99.0.1 60
	assert_route_once 10.99.0.0/24
	assert_route_once 10.98.7.0/24
	sleep 1
}

settled
snapshot first
note "after the first up: $(wc -l <"$E2E_DIR/first.fd") descriptors in sshdial," \
	"processes: $(tr '\n' ' ' <"$E2E_DIR/first.procs")"
assert_eq "$(tr '\n' ' ' <"$E2E_DIR/first.procs")" "pppd ssh sshdial " "client processes"

n=1
for fault in pppd ssh blackhole ssh pppd; do
	t0=$(now)
	case $fault in
	pppd | ssh)
		pids=$(cli_pids "$fault")
		[ "$(echo "$pids" | grep -c .)" = 1 ] || fail "expected one $fault in the client, found: $pids"
		kill -KILL "$pids"
		;;
	blackhole)
		downs=$(call_count "$LINK_DOWN_RE")
		e2e_blackhole_on
		call_wait_count $((downs + 1)) "$LINK_DOWN_RE" 90 ||
			fail "the blackholed link was not taken down within 90 s"
		took=$(since "$t0")
		note "blackhole: link down after ${took}s" \
			"($(call_count "$LINK_DEAD_RE") 'link dead' lines so far)"
		timeout_s=$(grep -E "$LINK_DEAD_RE" "$CALL_LOG" | tail -n1 | grep -oE 'for [0-9.]+ s$' | grep -oE '[0-9.]+')
		[ -n "$timeout_s" ] || fail "no 'link dead' line naming its timeout before the blackholed link went down"
		awk -v d="$took" -v t="$timeout_s" 'BEGIN { exit !(d <= t + 5) }' ||
			fail "the blackholed link went down ${took}s after the blackhole, more than health-timeout (${timeout_s}s) + 5 s"
		sleep 3
		e2e_blackhole_off
		t0=$(now)
		;;
	esac
	n=$((n + 1))
	call_wait_up_n "$n" 150
	took=$(since "$t0")
	hs=$(awk -v a="$(up_after 1)" -v b="$(up_after "$n")" 'BEGIN { printf "%.1f", (a > b ? a : b) }')
	note "fault $((n - 1)) ($fault): up again after ${took}s (handshake ${hs}s), attempt $(call_attempts)," \
		"$(call_count "$LINK_DEAD_RE") 'link dead' lines so far"
	awk -v d="$took" -v h="$hs" 'BEGIN { exit !(d <= h + 10) }' ||
		fail "fault $((n - 1)) ($fault): up again only ${took}s after it, more than the handshake (${hs}s) + 10 s"
	settled
	z=$(ps -o stat=,pid=,comm= --ppid "$CALL_PID" | awk '$1 ~ /^Z/')
	[ -z "$z" ] || fail "zombie children of sshdial after fault $((n - 1)): $z"
done

snapshot last
grep -E "$LINK_DEAD_RE|$LINK_DOWN_RE" "$CALL_LOG" | sed 's/^/    /'
note "after the last up: $(wc -l <"$E2E_DIR/last.fd") descriptors in sshdial"
diff -u "$E2E_DIR/first.procs" "$E2E_DIR/last.procs" || fail "the client's processes differ"
diff -u "$E2E_DIR/first.routes" "$E2E_DIR/last.routes" || fail "the client's routes differ"
diff -u "$E2E_DIR/first.fd" "$E2E_DIR/last.fd" || fail "sshdial's descriptors differ"
assert_eq "$(awk '{ print $3 }' "$E2E_DIR/last.children" | sort | tr '\n' ' ')" "pppd ssh " \
	"sshdial's children"
! awk '$1 ~ /^Z/' "$E2E_DIR/last.children" | grep -q . || fail "zombie children of sshdial"

call_stop
assert_eq "$CALL_RC" 0
assert_nothing_left e2e-cycles
