# shellcheck shell=bash
# topo4.sh: the four-namespace test bed of route-all.  Source after lib.sh,
# e2e_setup (with E2E_TOPOLOGY=routed) and call.sh, then call topo4_setup:
#
#   client  e2e0 10.77.1.1/24, fd00:cafe::1/64; default routes via the router
#     |
#   router ($E2E_RTR, "the café")  rtr-cli 10.77.1.254/24, fd00:cafe::254/64; its lo holds
#     |     2001:db8:cafe::1 and 203.0.113.1, "the internet" as the café reaches it.
#     |     nft counters (table inet topo4) count every packet from the client that enters
#     |     rtr-cli: "ssh" (TCP to the server's port 22) and "leak" (all the rest, but IPv6
#     |     neighbour discovery and link-local or multicast traffic)
#   server  e2e0 10.77.2.2/24; srv-net 10.77.3.1/24; forwarding on
#     |
#   internet ($E2E_NET)  net0 10.77.3.2/24: busybox httpd on port 80 (its page says
#                        TOPO4_PAGE) and dnsmasq on port 53 (www.example.test is 10.77.3.2);
#                        a return route to the tunnel's 192.168.77.0/24 via the server
#                        (until the server masquerades)
#
# Helpers: topo4_leaks, topo4_ssh_packets (the counters), topo4_reset_counters,
# topo4_send_all (ping, UDP, TCP, a DNS query to the café's resolver, IPv6 ping, each
# with a short timeout; never fails), topo4_state (ip rule, ip -6 rule, ip route show table
# all, ip -6 route show table all of the client, for byte-for-byte comparison).

TOPO4_PAGE="hello from the internet namespace"
TOPO4_WEB=10.77.3.2
TOPO4_CAFE_DNS=10.77.1.254
TOPO4_PUBLIC4=203.0.113.1
TOPO4_PUBLIC6=2001:db8:cafe::1

topo4_setup() {
	[ -n "${E2E_RTR:-}" ] || fail "topo4.sh needs E2E_TOPOLOGY=routed"
	E2E_NET=sshdial-e2e-net-$$
	export E2E_NET
	ip netns add "$E2E_NET" || fail "ip netns add $E2E_NET failed"
	ip link add srv-net netns "$E2E_SRV" type veth peer name net0 netns "$E2E_NET" ||
		fail "cannot create the server-internet veth pair"
	printf '%s\n' "addr add 10.77.3.1/24 dev srv-net" "link set srv-net up" |
		ip -n "$E2E_SRV" -batch - &&
		ip netns exec "$E2E_SRV" sysctl -q -w net.ipv4.ip_forward=1 &&
		printf '%s\n' "link set lo up" "addr add $TOPO4_WEB/24 dev net0" "link set net0 up" \
			"route add 192.168.77.0/24 via 10.77.3.1" | ip -n "$E2E_NET" -batch - ||
		fail "cannot configure the internet namespace"
	# IPv6 in the café; nodad: the addresses are usable at once.
	ip -n "$E2E_CLI" addr add fd00:cafe::1/64 dev e2e0 nodad &&
		ip -n "$E2E_CLI" -6 route add default via fd00:cafe::254 &&
		ip -n "$E2E_RTR" addr add fd00:cafe::254/64 dev rtr-cli nodad &&
		ip -n "$E2E_RTR" addr add "$TOPO4_PUBLIC6/128" dev lo &&
		ip -n "$E2E_RTR" addr add "$TOPO4_PUBLIC4/32" dev lo ||
		fail "cannot give the café IPv6"
	# The VM's kernel loads no module by itself (its modprobe helper is the initramfs's).
	modprobe -q -a nf_tables nft_objref 2>/dev/null
	ip netns exec "$E2E_RTR" nft -f - <<NFT || fail "cannot load the router's counters"
table inet topo4 {
	counter ssh { }
	counter leak { }
	chain pre {
		type filter hook prerouting priority -300; policy accept;
		iifname != "rtr-cli" accept
		ip daddr $E2E_SERVER_IP tcp dport 22 counter name ssh accept
		ip6 saddr fe80::/10 accept
		ip6 daddr ff00::/8 accept
		icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit } accept
		counter name leak
	}
}
NFT
	mkdir -p "$E2E_DIR/www" && echo "$TOPO4_PAGE" >"$E2E_DIR/www/index.html"
	ip netns exec "$E2E_NET" busybox httpd -f -p "$TOPO4_WEB:80" -h "$E2E_DIR/www" &
	ip netns exec "$E2E_NET" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv \
		--no-hosts --bind-interfaces --listen-address="$TOPO4_WEB" --user=root \
		--pid-file= --address=/www.example.test/"$TOPO4_WEB" --log-facility=- \
		>"$E2E_DIR/log/dnsmasq.log" 2>&1 &
	wait_for 90 ip netns exec "$E2E_NET" sh -c "ss -ltn | grep -q ':80 '" ||
		fail "busybox httpd did not start in the internet namespace"
	wait_for 90 ip netns exec "$E2E_NET" sh -c "ss -lun | grep -q '$TOPO4_WEB:53 '" ||
		fail "dnsmasq did not start in the internet namespace"
}

_topo4_counter() {
	ip netns exec "$E2E_RTR" nft list counter inet topo4 "$1" |
		awk '$1 == "packets" { print $2; exit }'
}
topo4_leaks() { _topo4_counter leak; }
topo4_ssh_packets() { _topo4_counter ssh; }
topo4_reset_counters() { ip netns exec "$E2E_RTR" nft reset counters table inet topo4 >/dev/null; }

topo4_send_all() {
	in_cli ping -c 1 -W 1 "$TOPO4_PUBLIC4" >/dev/null 2>&1
	in_cli ping -c 1 -W 1 10.77.1.254 >/dev/null 2>&1
	in_cli sh -c "echo udp | timeout 2 busybox nc -u -w 1 $TOPO4_PUBLIC4 9999" >/dev/null 2>&1
	in_cli curl -s --max-time 2 "http://$TOPO4_PUBLIC4/" >/dev/null 2>&1
	in_cli timeout 3 busybox nslookup www.example.test "$TOPO4_CAFE_DNS" >/dev/null 2>&1
	in_cli ping -6 -c 1 -W 1 "$TOPO4_PUBLIC6" >/dev/null 2>&1
	return 0
}

topo4_state() {
	in_cli ip rule show
	in_cli ip -6 rule show
	in_cli ip route show table all
	in_cli ip -6 route show table all
}
