#!/bin/bash
# dns yes with the systemd-resolved backend: systemd-resolved (its .deb,
# kept by scripts/install-deps, unpacked into the scenario's private /etc and /usr) runs
# without systemd as PID 1, on a private D-Bus system bus, in the client's namespace, with
# /etc/resolv.conf its stub.  While a route-all link is up, resolved's per-link settings of
# the ppp interface name the server's DNS server and the routing domain ~., and names
# resolve through the stub to the server's dnsmasq; after SIGTERM, and after kill -9 and
# the next start, no link of resolved's has DNS of sshdial's, and /etc/resolv.conf is as
# before.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/resolver.sh

resolver_resolved
before=$(readlink /etc/resolv.conf; sha256sum </etc/resolv.conf)
note "systemd-resolved runs; /etc/resolv.conf -> $(readlink /etc/resolv.conf)"
resolver_dnsmasq "$E2E_TUN_SERVER" www.sshdial.test 10.66.0.80

# A generous health timeout: a loaded machine must not end the link before the kill -9.
peer_file e2e-dns "route-all yes" "dns yes" "health-timeout 30"
call_start e2e-dns
call_wait_up
grep -q "e2e-dns: DNS: systemd-resolved $E2E_TUN_SERVER through ppp" "$CALL_LOG" ||
	fail "sshdial did not report giving the DNS servers to systemd-resolved"
ifc=$(grep -oE "DNS: systemd-resolved .* through ppp[0-9]+" "$CALL_LOG" | grep -oE 'ppp[0-9]+$')
status=$(in_cli resolvectl status "$ifc")
note "resolvectl status $ifc: $(echo "$status" | tr -s ' \n' ' ')"
in_cli resolvectl dns "$ifc" | grep -q "$E2E_TUN_SERVER" || fail "resolved: no $E2E_TUN_SERVER on $ifc"
in_cli resolvectl domain "$ifc" | grep -q '~\.' || fail "resolved: no routing domain ~. on $ifc"
ans=$(in_cli getent ahostsv4 www.sshdial.test | awk 'NR == 1 { print $1 }')
assert_eq "$ans" 10.66.0.80 "www.sshdial.test resolved through resolved and the link"
grep -q "query\[A\] www.sshdial.test from $E2E_TUN_CLIENT" "$DNSMASQ_LOG" ||
	fail "the server's dnsmasq did not see the query from $E2E_TUN_CLIENT"
note "resolved sends names to the link's server while up"

call_stop
assert_eq "$CALL_RC" 0
grep -q "e2e-dns: DNS: systemd-resolved restored" "$CALL_LOG" || fail "no word of the revert"
# pppd removes the interface as it ends, often before sshdial's undo runs; resolved then
# forgets the link's settings with it (the undo finds nothing to revert).  Either way no
# link of resolved's names the server any more.
links=$(in_cli resolvectl dns) || fail "resolvectl dns failed: is systemd-resolved gone?"
grep -q "$E2E_TUN_SERVER" <<<"$links" && fail "resolved still names $E2E_TUN_SERVER: $links"
assert_eq "$(readlink /etc/resolv.conf; sha256sum </etc/resolv.conf)" "$before" "/etc/resolv.conf"
assert_nothing_left e2e-dns
note "nothing of sshdial's left in resolved after SIGTERM"

# kill -9: pppd goes with the client's processes, the interface with it, and resolved
# forgets its settings; the next start finds the journal's line and nothing to revert.
call_start e2e-dns
call_wait_up
kill -KILL "$CALL_PID"
wait "$CALL_PID" 2>/dev/null
ip netns pids "$E2E_CLI" | grep -vx "$RESOLVED_PID" | xargs -r kill -KILL 2>/dev/null
kill -0 "$RESOLVED_PID" || fail "systemd-resolved is gone"
sed -i 's/^host .*/host 10.77.0.99/' "$E2E_PEERS/e2e-dns"
call_start e2e-dns
wait_for 60 grep -q "undoing .* left in .* by an earlier run" "$CALL_LOG" ||
	fail "the next start did not read the journal left by the crash"
call_stop
links=$(in_cli resolvectl dns) || fail "resolvectl dns failed: is systemd-resolved gone?"
grep -q "$E2E_TUN_SERVER" <<<"$links" && fail "resolved still names $E2E_TUN_SERVER: $links"
assert_eq "$(readlink /etc/resolv.conf; sha256sum </etc/resolv.conf)" "$before" "/etc/resolv.conf after kill -9"
assert_nothing_left e2e-dns
note "nothing of sshdial's left in resolved after kill -9 and the next start"
