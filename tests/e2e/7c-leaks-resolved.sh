#!/bin/bash
# check --leaks on a client whose resolver is systemd-resolved (/etc/resolv.conf
# its stub 127.0.0.53, which always answers through lo).  The café's network gives e2e0 a
# DNS server of its own (10.77.0.53), as DHCP would.  With a route-all link up, resolved
# sends every name to the link's server (routing domain ~. on the ppp interface), bound to
# it: check --leaks probes that server, not the stub, and says "no leak".  With the link
# down and no kill switch, names go to the café's server, bound to e2e0: check --leaks
# names that leak (exit 2).
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/resolver.sh

resolver_resolved
CAFE_DNS=10.77.0.53
in_cli resolvectl dns e2e0 "$CAFE_DNS" || fail "cannot give e2e0 the café's DNS server"
note "resolved: $(in_cli resolvectl dns | tr '\n' ' ')"

check_leaks() {
	LEAKS_OUT=$(in_cli "$SSHDIAL" check --leaks --peers-dir "$E2E_PEERS" "$1" 2>&1)
	LEAKS_RC=$?
	printf '%s\n' "$LEAKS_OUT" | sed 's/^/    | /'
}

peer_file e2e-leaks "route-all yes" "dns yes" "health-timeout 30" "transport pty"
call_start e2e-leaks
call_wait_up 300
ifc=$(grep -oE "DNS: systemd-resolved .* through ppp[0-9]+" "$CALL_LOG" | grep -oE 'ppp[0-9]+$')
[ -n "$ifc" ] || fail "sshdial did not give systemd-resolved the link's DNS server"
check_leaks e2e-leaks
assert_eq "$LEAKS_RC" 0 "check --leaks's exit status with the link up"
assert_match "$LEAKS_OUT" "DNS query to $E2E_TUN_SERVER: sent bound to $ifc by systemd-resolved: ok" \
	"the DNS probe with the link up"
assert_match "$LEAKS_OUT" "e2e-leaks: no leak" "the verdict with the link up"
grep -q '127\.0\.0\.53' <<<"$LEAKS_OUT" && fail "check --leaks probed the stub 127.0.0.53"
assert_match "$LEAKS_OUT" "probing as uid 65534 " "the probes' uid"
note "link up: no leak, the link's server probed"

call_stop
assert_eq "$CALL_RC" 0
# The link down, no kill switch: names go to the café's server, out of e2e0.
peer_file e2e-leaks "route-all yes" "kill-switch no" "dns yes" "transport pty"
check_leaks e2e-leaks
assert_eq "$LEAKS_RC" 2 "check --leaks's exit status with the link down and no kill switch"
assert_match "$LEAKS_OUT" "DNS query to $CAFE_DNS: sent bound to e2e0 by systemd-resolved: LEAK" \
	"the DNS probe with the link down"
note "link down, no kill switch: the leak to $CAFE_DNS named"
