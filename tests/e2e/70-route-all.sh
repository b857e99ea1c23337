#!/bin/bash
# route-all in the four-namespace test bed (topo4.sh): the client
# fetches a page from the internet host through the link and resolves a name with the
# internet's DNS server, while ssh's own connection stays on the café's network; the leak
# self-test finds nothing; a deleted rule and table route are put back; SIGTERM leaves
# ip rule, ip -6 rule and every routing table byte for byte as before.
E2E_TOPOLOGY=routed
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/topo4.sh
topo4_setup

topo4_state >"$E2E_DIR/state-before"
dialer_uid=$(id -u "$E2E_LOCAL_USER")
peer_file e2e-ra "route-all yes"
call_start e2e-ra
call_wait_up
in_force=$(grep -oE 'route-all in force through ppp[0-9]+, [0-9.]+ s after start' "$CALL_LOG") ||
	fail "no 'route-all in force' line (see $CALL_LOG)"
note "${in_force} (up ${CALL_UP_AFTER}s after start, as the test saw it)"
ppp=$(ppp_dev)

# (a) The page and the name come through the link; ssh's connection does not.
wait_for 60 sh -c "ip netns exec '$E2E_CLI' curl -s --max-time 5 http://$TOPO4_WEB/ |
	grep -qx '$TOPO4_PAGE'" || fail "no page from the internet host through the link"
assert_match "$(in_cli ip route get "$TOPO4_WEB")" " dev $ppp table 83 " "the route to the internet host"
answer=$(in_cli timeout 10 busybox nslookup -type=a www.example.test "$TOPO4_WEB" 2>&1) ||
	fail "no answer from the internet's DNS server: $answer"
assert_match "$answer" "Address:? *(1: )?$TOPO4_WEB" "the internet's DNS answer"
assert_match "$(in_cli ip route get "$E2E_SERVER_IP" uid "$dialer_uid")" " dev e2e0 " \
	"the route of ssh's connection (uid $dialer_uid)"
conn=$(in_cli ss -tnH state established "( dport = :22 )")
assert_match "$conn" "$E2E_CLIENT_IP:[0-9]+ +$E2E_SERVER_IP:22" "ssh's connection on the café's network"

# (g) The leak self-test: nothing leaks.
leaks=$(in_cli "$SSHDIAL" check --leaks --peers-dir "$E2E_PEERS" e2e-ra 2>&1)
rc=$?
printf '%s\n' "$leaks" | sed 's/^/    /'
assert_eq "$rc" 0 "check --leaks status with route-all up"
assert_match "$leaks" "ssh's connection to $E2E_SERVER_IP: dev e2e0 .*: ok, outside the link" \
	"check --leaks on ssh's connection"
assert_match "$leaks" "IPv6 packet to 2001:db8::1: unreachable" "check --leaks on IPv6"

# gone_for ERE: seconds between the deletion of the entry matching ERE and its return.
gone_for() {
	awk -v re="$1" '
		function t(s) { split(substr(s, 13, 15), a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
		$2 == "Deleted" && $0 ~ re { d = t($1); next }
		d && $2 != "Deleted" && $0 ~ re { printf "%.3f", t($1) - d; exit }' "$E2E_DIR/monitor"
}
# (f) Self-healing: a rule and the table's default route deleted behind sshdial's back.
# The kernel's own timestamps (ip -ts monitor) say how long each stayed deleted.
ip -n "$E2E_CLI" -ts monitor rule route >"$E2E_DIR/monitor" 2>&1 &
monitor=$!
# The monitor listens once it reports a marker route (in a table nothing else uses). A
# marker added before the monitor had subscribed is never reported: it is added again at
# each look until one is.
marker_seen() {
	grep -q '198\.18\.255\.0/24' "$E2E_DIR/monitor" && return 0
	in_cli ip route del unreachable 198.18.255.0/24 table 250 2>/dev/null
	in_cli ip route add unreachable 198.18.255.0/24 table 250
	return 1
}
wait_for 60 marker_seen || fail "ip monitor does not report"
in_cli ip route del unreachable 198.18.255.0/24 table 250
t0=$(now)
in_cli ip rule del pref 8330
in_cli ip route del default dev "$ppp" table 83
wait_for 90 sh -c "ip netns exec '$E2E_CLI' ip rule show pref 8330 | grep -q 'lookup 83 proto 83' &&
	ip netns exec '$E2E_CLI' ip route show table 83 | grep -q '^default dev $ppp '" ||
	fail "the deleted rule and route were not put back"
note "rule 8330 and table 83's default put back $(since "$t0")s after the test deleted them"
both_back_seen() { [ -n "$(gone_for " 8330:")" ] && [ -n "$(gone_for "default dev $ppp table 83")" ]; }
wait_for 30 both_back_seen
kill "$monitor"
rule_gone=$(gone_for " 8330:")
route_gone=$(gone_for "default dev $ppp table 83")
note "by the kernel's clock: rule 8330 back after ${rule_gone:-?} s, the table's default after ${route_gone:-?} s"
[ -n "$rule_gone" ] && [ -n "$route_gone" ] ||
	fail "the monitor did not see the deletions and returns: $(cat "$E2E_DIR/monitor")"
assert_match "$(grep -c 'was deleted by someone else; put it back' "$CALL_LOG")" "^[2-9]" \
	"log lines of what was put back"
wait_for 90 sh -c "ip netns exec '$E2E_CLI' curl -s --max-time 5 http://$TOPO4_WEB/ |
	grep -qx '$TOPO4_PAGE'" || fail "no page through the link after the self-healing"

# (d) SIGTERM: everything as before, byte for byte.
call_stop
assert_eq "$CALL_RC" 0 "exit status after SIGTERM"
topo4_state >"$E2E_DIR/state-after"
cmp -s "$E2E_DIR/state-before" "$E2E_DIR/state-after" ||
	fail "rules or routes differ after SIGTERM: $(diff "$E2E_DIR/state-before" "$E2E_DIR/state-after")"
assert_nothing_left e2e-ra
