#!/bin/bash
# A pool-leased key gets what server.conf grants, on both transports.
# The server is set up as the README says: `authorize --install`, the account in
# sshdial-serve, the default lease directory (/var/lib/sshdial/leases), server-wide
# 'forwarding yes', 'masquerade yes' and 'ipv6-prefix', and key alice with no section,
# so that her address is leased from the pool (192.168.77.254, the highest).  The server's
# forwarding starts off.  A route-all client of alice fetches a page from the internet
# host beyond the server over IPv4 (which sees the server's address: masquerade) and over
# IPv6 (which sees alice's address from the prefix); the hook turned forwarding on and
# logged it.  Then the same over the frame transport, with key bob, whose section has a
# site route and no address (also leased from the pool): the route to the network behind
# bob appears on the server and carries a ping.  Each SIGTERM leaves the client's rules
# and routes as before.
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
POOL_TOP=192.168.77.254
CLIENT6=${PREFIX}c0a8:4dfe # 192.168.77.254 as the last 32 bits
PORT=8080
ip -n "$E2E_SRV" route add 10.77.1.0/24 via 10.77.2.254 &&
	ip -n "$E2E_SRV" route replace default via "$TOPO4_WEB" dev srv-net &&
	ip -n "$E2E_SRV" addr add fd83:3::1/64 dev srv-net nodad &&
	ip -n "$E2E_NET" addr add "$NET6/64" dev net0 nodad &&
	ip -n "$E2E_NET" -6 route add "$PREFIX/64" via fd83:3::1 ||
	fail "cannot give the server and the internet their routes and IPv6"
# Forwarding off, as on a fresh server: 'forwarding yes' is what must turn it on.
in_srv sysctl -q -w net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 ||
	fail "cannot turn the server's forwarding off"
HTTPD_LOG=$E2E_DIR/log/httpd6.log
e2e_log "$HTTPD_LOG"
ip netns exec "$E2E_NET" busybox httpd -f -v -p "$PORT" -h "$E2E_DIR/www" 2>"$HTTPD_LOG" &
wait_for 90 ip netns exec "$E2E_NET" curl -s -m 5 -o /dev/null "http://[$NET6]:$PORT/" ||
	fail "the internet's web server does not answer on IPv6"
: >"$HTTPD_LOG"

SERVE_DEFAULT_LEASE_DIR=yes
serve_setup "forwarding yes" "masquerade yes" "ipv6-prefix $PREFIX/64" \
	"key bob" "route 10.55.0.0/24"
grep -q '^lease-dir' "$SERVE_CONF" && fail "server.conf names a lease-dir (test needs the default)"
[ -d /var/lib/sshdial/leases ] || fail "authorize --install made no /var/lib/sshdial/leases"
note "lease directory $(stat -c '%n %A %U:%G' /var/lib/sshdial/leases), on $(stat -f -c %T /var/lib/sshdial/leases)"
serve_key bob
bob_key=$SERVE_KEY
serve_key alice
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name alice)" \
	"$("$SERVE_SSHDIAL" authorize --key "$bob_key.pub" --name bob)"
topo4_state >"$E2E_DIR/state-before"
page() { in_cli curl -sS -m 10 "$@" 2>&1; }

# --- alice, no section: pool address, route-all, IPv4 and IPv6 (pty transport) ----------
serve_peer alice "$SERVE_KEY" "transport pty" "route-all yes" "ipv6 yes" "ipv6-prefix $PREFIX/64"
call_start alice
call_wait_up 120
grep -q ": up after .* $POOL_TOP peer " "$CALL_LOG" ||
	fail "alice did not get the pool's $POOL_TOP: $(grep 'up after' "$CALL_LOG")"
wait_for 90 grep -q "key alice: ppp[0-9]* up, peer $POOL_TOP: masqueraded out of srv-net" "$SERVE_LOG" ||
	fail "the server's hook did not masquerade alice's pool address: $(grep -E 'alice|hook' "$SERVE_LOG" | tail -n 5)"
grep -q "key alice: ppp[0-9]*: turned on IPv4 forwarding" "$SERVE_LOG" ||
	fail "the hook did not say it turned on IPv4 forwarding"
assert_eq "$(in_srv sysctl -n net.ipv4.ip_forward)" 1 "the server's IPv4 forwarding"
assert_eq "$(in_srv sysctl -n net.ipv6.conf.all.forwarding)" 1 "the server's IPv6 forwarding"
wait_for 60 grep -q "key alice: ppp[0-9]* up, peer $POOL_TOP: IPv6 $CLIENT6/128 through it" "$SERVE_LOG" ||
	fail "the server's hook did not route alice's IPv6 address"
assert_eq "$(page "http://$TOPO4_WEB:$PORT/")" "$TOPO4_PAGE" "the page over IPv4 through the link"
grep -q "^\[::ffff:10\.77\.3\.1\]:[0-9]*: response:200" "$HTTPD_LOG" ||
	fail "the internet host did not see the server's address 10.77.3.1: $(cat "$HTTPD_LOG")"
grep -q "192\.168\.77\." "$HTTPD_LOG" && fail "the internet host saw a tunnel address: $(cat "$HTTPD_LOG")"
assert_eq "$(page -6 "http://[$NET6]:$PORT/")" "$TOPO4_PAGE" "the page over IPv6 through the link"
grep -q "^\[$CLIENT6\]:[0-9]*: response:200" "$HTTPD_LOG" ||
	fail "the internet host did not see alice's IPv6 address $CLIENT6: $(cat "$HTTPD_LOG")"
note "pool key alice ($POOL_TOP): page over IPv4 (masqueraded) and IPv6 ($CLIENT6)"
call_stop
assert_eq "$CALL_RC" 0 "exit status after SIGTERM (alice)"
topo4_state >"$E2E_DIR/state-after"
cmp -s "$E2E_DIR/state-before" "$E2E_DIR/state-after" ||
	fail "rules or routes differ after SIGTERM: $(diff "$E2E_DIR/state-before" "$E2E_DIR/state-after")"
assert_nothing_left alice
wait_for 90 sh -c "[ -z \"\$(ls /run/sshdial/serve-*.journal 2>/dev/null)\" ]" ||
	fail "a server journal is left: $(ls /run/sshdial | tr "\n" " ")"

# --- bob, a section without an address: pool address, site route (frame transport) ------
if grep -q '^TUNNEL name' /proc/net/pppol2tp 2>/dev/null; then
	transport=frames
else
	transport=pty
	note "no l2tp_ppp in this kernel: bob on the pty transport"
fi
in_cli ip addr add 10.55.0.1/24 dev lo
serve_peer bob "$bob_key" "transport $transport" "route-all yes"
call_start bob
call_wait_up 120
grep -q ": up after .* $POOL_TOP peer " "$CALL_LOG" ||
	fail "bob did not get the pool's $POOL_TOP: $(grep 'up after' "$CALL_LOG")"
dev=$(serve_ppp_of "$POOL_TOP")
[ -n "$dev" ] || fail "the server has no ppp device for bob"
wait_for 90 sh -c "ip -n $E2E_SRV route show 10.55.0.0/24 | grep -q 'dev $dev'" ||
	fail "bob's site route did not appear on the server: $(grep -E 'bob' "$SERVE_LOG" | tail -n 5)"
in_srv ping -c 2 -W 5 10.55.0.1 >/dev/null || fail "the server cannot reach 10.55.0.1 behind bob"
wait_for 60 grep -q "key bob: $dev up, peer $POOL_TOP: masqueraded out of srv-net" "$SERVE_LOG" ||
	fail "the server's hook did not masquerade bob"
assert_eq "$(page "http://$TOPO4_WEB:$PORT/")" "$TOPO4_PAGE" "bob's page over IPv4 through the link"
note "pool key bob ($POOL_TOP, $transport transport): site route 10.55.0.0/24 through $dev, page masqueraded"
call_stop
assert_eq "$CALL_RC" 0 "exit status after SIGTERM (bob)"
wait_for 90 sh -c "! ip -n $E2E_SRV route show table all | grep -q '^10\.55\.'" ||
	fail "bob's route is left on the server"
in_cli ip addr del 10.55.0.1/24 dev lo
topo4_state >"$E2E_DIR/state-after"
cmp -s "$E2E_DIR/state-before" "$E2E_DIR/state-after" ||
	fail "rules or routes differ after SIGTERM: $(diff "$E2E_DIR/state-before" "$E2E_DIR/state-after")"
assert_nothing_left bob
