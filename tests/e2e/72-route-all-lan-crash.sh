#!/bin/bash
# allow-lan: the café's router is reached directly, a public prefix
# it advertises is not, and DNS to its resolver still goes through the link.  The leak
# self-test reports a route-all peer whose rules are not in force as leaking.  kill -9 of
# sshdial, then the next start: it undoes what the dead one left, and after its SIGTERM
# ip rule, ip -6 rule and every table are byte for byte as before.
E2E_TOPOLOGY=routed
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/topo4.sh
topo4_setup

# The café hands out a more specific public route, as a DHCP classless route would.
in_cli ip route add 198.51.100.0/24 via 10.77.1.254
topo4_state >"$E2E_DIR/state-before"

# (g) route-all configured but not running: every probe but IPv6 and ssh's leaks.
peer_file e2e-lan "route-all yes" "allow-lan yes"
out=$(in_cli "$SSHDIAL" check --leaks --peers-dir "$E2E_PEERS" e2e-lan 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/    /'
assert_eq "$rc" 2 "check --leaks status without the rules in force"
assert_match "$out" "ordinary packet to 198.51.100.1: dev e2e0 via 10.77.1.254 .*: LEAK: outside the link" \
	"check --leaks on an ordinary packet"
assert_match "$out" "e2e-lan: [0-9]+ leaks?" "check --leaks summary"

call_start e2e-lan
call_wait_up
ppp=$(ppp_dev)
grep -q 'allow-lan: 10.77.1.0/24 reached directly' "$CALL_LOG" || fail "allow-lan did not name the café's network"
# (c) The router directly; a public prefix it advertises through the link; DNS too.
assert_match "$(in_cli ip route get 10.77.1.254)" "^10.77.1.254 dev e2e0 " "the route to the café's router"
in_cli ping -c 1 -W 5 10.77.1.254 >/dev/null || fail "the café's router does not answer a ping"
assert_match "$(in_cli ip route get 198.51.100.7)" " dev $ppp table 83 " "the café's public prefix"
assert_match "$(in_cli ip route get 10.77.1.254 ipproto udp dport 53)" " dev $ppp table 83 " \
	"DNS to the café's resolver"
assert_match "$(in_cli ip -6 route get fd00:cafe::254 2>&1)" " dev e2e0 " \
	"the café's IPv6 network (fd00:cafe::/64, inside fc00::/7)"
assert_match "$(in_cli ip -6 route get "$TOPO4_PUBLIC6" 2>&1)" "unreachable|No route" \
	"a public IPv6 address"
out=$(in_cli "$SSHDIAL" check --leaks --peers-dir "$E2E_PEERS" e2e-lan 2>&1) ||
	fail "check --leaks with the link up: $out"

# (d) kill -9, then the next start.
kill -KILL "$CALL_PID"
wait "$CALL_PID" 2>/dev/null
# What a crash leaves: the rules (the kill switch holds), and the link's processes, which
# a crash of the machine's service manager would end too.
[ -n "$(in_cli ip rule show | grep 'proto 83')" ] || fail "no rule of sshdial's after kill -9"
for c in pppd ssh; do cli_pids "$c" | xargs -r kill -KILL 2>/dev/null; done
wait_for 90 sh -c "[ -z \"\$(ip -n '$E2E_CLI' -o link show type ppp)\" ]" || fail "the ppp device stays"
call_start e2e-lan
call_wait_up
grep -qE 'undoing [0-9]+ changes left in .* by an earlier run' "$CALL_LOG" ||
	fail "the next start did not undo what the dead one left"
call_stop
assert_eq "$CALL_RC" 0
topo4_state >"$E2E_DIR/state-after"
cmp -s "$E2E_DIR/state-before" "$E2E_DIR/state-after" ||
	fail "rules or routes differ after kill -9 and the next start: $(diff "$E2E_DIR/state-before" "$E2E_DIR/state-after")"
assert_nothing_left e2e-lan
