#!/bin/bash
# route-all to an sshdial server in the four-namespace test bed
# (topo4.sh), the server with 'masquerade yes' and 'ipv6-prefix', its default route towards
# the internet namespace.  (a) The client fetches a page from the internet host, which sees
# the server's address, not the client's tunnel address.  With 'ipv6 yes' the client's
# IPv6 goes through the link too: the internet host sees the client's address from the
# prefix, the café's router nothing.  Then the same client with 'ipv6 no' (a client
# without IPv6, as a plain pppd, dialing a server that offers it): IPv4 still works, IPv6
# is unreachable and nothing leaks.  After each SIGTERM: ip rule, ip -6 rule and every
# routing table byte for byte as before.
E2E_TOPOLOGY=routed
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/topo4.sh
topo4_setup
modprobe -a nf_tables nft_chain_nat nft_masq ||
	fail "cannot load nf_tables, nft_chain_nat, nft_masq (the kernel's nftables NAT)"

PREFIX=fd83:77::
NET6=fd83:3::2
CLIENT6=${PREFIX}c0a8:4d0a # 192.168.77.10, the key's address, as the last 32 bits
PORT=8080
# The server reaches the internet through srv-net (its default route, which masquerade
# uses), the café's networks through the router; the internet reaches the tunnel's
# prefix through the server, and still has topo4's route to the tunnel's IPv4 addresses
# (so that without masquerade the page would come, from the client's address).
ip -n "$E2E_SRV" route add 10.77.1.0/24 via 10.77.2.254 &&
	ip -n "$E2E_SRV" route replace default via "$TOPO4_WEB" dev srv-net &&
	ip -n "$E2E_SRV" addr add fd83:3::1/64 dev srv-net nodad &&
	ip -n "$E2E_NET" addr add "$NET6/64" dev net0 nodad &&
	ip -n "$E2E_NET" -6 route add "$PREFIX/64" via fd83:3::1 ||
	fail "cannot give the server and the internet their routes and IPv6"
HTTPD_LOG=$E2E_DIR/log/httpd6.log
e2e_log "$HTTPD_LOG"
ip netns exec "$E2E_NET" busybox httpd -f -v -p "$PORT" -h "$E2E_DIR/www" 2>"$HTTPD_LOG" &
wait_for 90 ip netns exec "$E2E_NET" curl -s -m 5 -o /dev/null "http://[$NET6]:$PORT/" ||
	fail "the internet's web server does not answer on IPv6"
: >"$HTTPD_LOG"

serve_setup "masquerade yes" "ipv6-prefix $PREFIX/64" "key alice" "address 192.168.77.10"
serve_key alice
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name alice)"
topo4_state >"$E2E_DIR/state-before"
page() { in_cli curl -sS -m 10 "$@" 2>&1; }

# --- ipv6 yes ---------------------------------------------------------------------------
serve_peer alice "$SERVE_KEY" "route-all yes" "ipv6 yes" "ipv6-prefix $PREFIX/64"
call_start alice
call_wait_up 90
grep -q "alice: IPv6 $CLIENT6/128 on ppp" "$CALL_LOG" || fail "no IPv6 address on the link (see $CALL_LOG)"
wait_for 90 grep -q "key alice: ppp[0-9]* up, peer 192.168.77.10: IPv6 $CLIENT6/128 through it" "$SERVE_LOG" ||
	fail "the server's hook did not route the client's IPv6 address"
ppp=$(ppp_dev)
topo4_reset_counters

# (a) IPv4: through the link, masqueraded: the internet host sees the server.
assert_eq "$(page "http://$TOPO4_WEB:$PORT/")" "$TOPO4_PAGE" "the page over IPv4 through the link"
grep -q "^\[::ffff:10\.77\.3\.1\]:[0-9]*: response:200" "$HTTPD_LOG" ||
	fail "the internet host did not see the server's address 10.77.3.1: $(cat "$HTTPD_LOG")"
grep -q "192\.168\.77\." "$HTTPD_LOG" && fail "the internet host saw the client's tunnel address: $(cat "$HTTPD_LOG")"
note "IPv4: the internet host sees the server's 10.77.3.1 (masquerade)"

# IPv6: through the link, with the client's address from the prefix.
assert_match "$(in_cli ip -6 route get "$NET6")" " dev $ppp table 83 " "the IPv6 route to the internet host"
assert_eq "$(page -6 "http://[$NET6]:$PORT/")" "$TOPO4_PAGE" "the page over IPv6 through the link"
grep -q "^\[$CLIENT6\]:[0-9]*: response:200" "$HTTPD_LOG" ||
	fail "the internet host did not see the client's IPv6 address $CLIENT6: $(cat "$HTTPD_LOG")"
in_cli ping -6 -c 1 -W 5 "$NET6" >/dev/null || fail "no IPv6 ping through the link"
topo4_send_all
assert_eq "$(topo4_leaks)" 0 "packets from the client at the café's router but ssh's (IPv4 and IPv6 through the link)"
note "IPv6: the internet host sees $CLIENT6; the café's router saw none of it"

call_stop
assert_eq "$CALL_RC" 0 "exit status after SIGTERM (ipv6 yes)"
topo4_state >"$E2E_DIR/state-after"
cmp -s "$E2E_DIR/state-before" "$E2E_DIR/state-after" ||
	fail "rules or routes differ after SIGTERM: $(diff "$E2E_DIR/state-before" "$E2E_DIR/state-after")"
assert_nothing_left alice
wait_for 90 sh -c "[ -z \"\$(ls /run/sshdial/serve-*.journal 2>/dev/null)\" ]" ||
	fail "a server journal is left: $(ls /run/sshdial | tr "\n" " ")"

# --- ipv6 no: a client without IPv6 dials the same server --------------------------------
serve_peer alice "$SERVE_KEY" "route-all yes"
call_start alice
call_wait_up 90
topo4_reset_counters
: >"$HTTPD_LOG"
assert_eq "$(page "http://$TOPO4_WEB:$PORT/")" "$TOPO4_PAGE" "the page over IPv4 without ipv6"
assert_match "$(in_cli ip -6 route get "$NET6" 2>&1)" "No route to host|unreachable" \
	"the IPv6 route without ipv6"
page -6 "http://[$NET6]:$PORT/" >/dev/null && fail "IPv6 got out without 'ipv6 yes'"
topo4_send_all
assert_eq "$(topo4_leaks)" 0 "packets from the client at the café's router but ssh's (ipv6 no)"
grep -q "$PREFIX" "$HTTPD_LOG" && fail "the internet host saw IPv6 from the client: $(cat "$HTTPD_LOG")"
note "ipv6 no: IPv6 unreachable, nothing at the café's router"

call_stop
assert_eq "$CALL_RC" 0 "exit status after SIGTERM (ipv6 no)"
topo4_state >"$E2E_DIR/state-after"
cmp -s "$E2E_DIR/state-before" "$E2E_DIR/state-after" ||
	fail "rules or routes differ after SIGTERM: $(diff "$E2E_DIR/state-before" "$E2E_DIR/state-after")"
assert_nothing_left alice
