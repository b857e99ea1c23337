#!/bin/bash
# The kill switch's netfilter guard.  Routing rules cannot hold a socket that
# names its interface: with IP_UNICAST_IF or IP_PKTINFO (no privilege needed) the kernel
# sends "on link" when the FIB lookup fails.  During an outage of a route-all link (the
# router blackholes the ssh path, the link is down and redialing), an ordinary user
# (nobody: neither root nor local-user) sends UDP both ways, naming the café's interface,
# to off-LAN and LAN addresses, IPv4 and IPv6.  The router counts no packet from the
# client but ssh's, and no ARP request for anything but itself (the gateway); the guard
# holds them before neighbour resolution.  The guard table deleted behind sshdial's back
# comes back.  With the link up again traffic flows through it, and the same sends still
# go nowhere.  After SIGTERM, the client's nft ruleset is byte-for-byte what
# it was.  First the same sends without sshdial: they do reach the router, so the
# counters can fail.
E2E_TOPOLOGY=routed
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/topo4.sh
topo4_setup

PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || fail "$PYTHON not found (the sender)"
PEER=e2e-guard
TABLE=sshdial_guard_$PEER
SENDER=$E2E_DIR/send-bound.py
cat >"$SENDER" <<'PY'
# Sends one UDP datagram per destination and way of naming the interface; prints what
# the kernel said of each.  argv: INTERFACE DEST...
import errno, socket, struct, sys

IP_UNICAST_IF = 50  # <linux/in.h>, <linux/in6.h>: python's socket lacks some
IP_PKTINFO = 8
IPV6_UNICAST_IF = 76
IPV6_PKTINFO = 50
ifname, dests = sys.argv[1], sys.argv[2:]
ifindex = socket.if_nametoindex(ifname)

def result(how, dst, fn):
    try:
        fn()
        print(f"{how} {dst}: sent")
    except OSError as e:
        print(f"{how} {dst}: {errno.errorcode.get(e.errno, e.errno)}")

for dst in dests:
    v6 = ":" in dst
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    addr = (dst, 9999, 0, 0) if v6 else (dst, 9999)

    def unicast_if():
        with socket.socket(fam, socket.SOCK_DGRAM) as s:
            if v6:
                s.setsockopt(socket.IPPROTO_IPV6, IPV6_UNICAST_IF, struct.pack("=i", ifindex))
            else:  # IPv4 wants the index in network byte order
                s.setsockopt(socket.IPPROTO_IP, IP_UNICAST_IF, struct.pack("!I", ifindex))
            s.sendto(b"leak unicast_if", addr)

    def pktinfo():
        with socket.socket(fam, socket.SOCK_DGRAM) as s:
            if v6:
                info = struct.pack("=16si", bytes(16), ifindex)
                cmsg = (socket.IPPROTO_IPV6, IPV6_PKTINFO, info)
            else:
                info = struct.pack("=i4s4s", ifindex, bytes(4), bytes(4))
                cmsg = (socket.IPPROTO_IP, IP_PKTINFO, info)
            s.sendmsg([b"leak pktinfo"], [cmsg], 0, addr)

    result("IP_UNICAST_IF", dst, unicast_if)
    result("IP_PKTINFO", dst, pktinfo)
PY
chmod 644 "$SENDER"
# Off the LAN: the café's "internet" (which the router answers ARP for) and an address
# nobody has; on the LAN: the router, and an address nobody has.
DESTS=("$TOPO4_PUBLIC4" 198.51.100.7 10.77.1.254 10.77.1.99 "$TOPO4_PUBLIC6" fd00:cafe::254)

# ARP requests from the client for anything but the gateway (10.77.1.254).
ip netns exec "$E2E_RTR" nft -f - <<'NFT' || fail "cannot load the router's ARP counter"
table arp topo78 {
	counter offlink { }
	chain in {
		type filter hook input priority 0; policy accept;
		iifname != "rtr-cli" accept
		arp operation request arp daddr ip != 10.77.1.254 counter name offlink
	}
}
NFT
arp_requests() {
	ip netns exec "$E2E_RTR" nft list counter arp topo78 offlink |
		awk '$1 == "packets" { print $2; exit }'
}
reset_all() {
	topo4_reset_counters
	ip netns exec "$E2E_RTR" nft reset counters table arp topo78 >/dev/null
}
# send_bound LABEL: the sends as nobody, three rounds; sets LEAK and ARP.
send_bound() {
	reset_all
	for _ in 1 2 3; do
		in_cli setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$PYTHON" "$SENDER" "$E2E_IFACE" "${DESTS[@]}" >"$E2E_DIR/send-$1.txt" 2>&1
		sleep 1
	done
	LEAK=$(topo4_leaks)
	ARP=$(arp_requests)
	note "$1: $LEAK packets at the router, $ARP ARP requests; the kernel said:" \
		"$(sed 's/$/;/' "$E2E_DIR/send-$1.txt" | tr '\n' ' ')"
}

topo4_state >"$E2E_DIR/state-before"
in_cli nft list ruleset >"$E2E_DIR/nft-before" || fail "nft list ruleset failed in the client"

send_bound "without sshdial"
[ "$LEAK" -gt 0 ] || fail "without sshdial the router saw none of the bound sends"
[ "$ARP" -gt 0 ] || fail "without sshdial the router saw no ARP request for 198.51.100.7 or 10.77.1.99"

peer_file "$PEER" "route-all yes"
call_start "$PEER"
call_wait_up 300
ping_through "$E2E_TUN_SERVER" 120

e2e_blackhole_on
call_wait_count 1 "$LINK_DEAD_RE" 90 || fail "no 'link dead' within 90 s of the blackhole"
call_wait_count 1 "$LINK_DOWN_RE" 30 || fail "no 'link down' after 'link dead'"
send_bound "link down, redialing"
assert_eq "$LEAK" 0 "bound packets outside the link while redialing"
assert_eq "$ARP" 0 "ARP requests for other addresses while redialing"
in_cli nft list table inet "$TABLE" >"$E2E_DIR/guard.txt" 2>&1 ||
	fail "no guard table $TABLE with the kill switch on: $(cat "$E2E_DIR/guard.txt")"
grep -q 'policy drop;' "$E2E_DIR/guard.txt" || fail "the guard's chain does not drop: $(cat "$E2E_DIR/guard.txt")"
grep -q '"ppp' "$E2E_DIR/guard.txt" && fail "the dead link's interface is still let through: $(cat "$E2E_DIR/guard.txt")"
grep -q "^session guard $TABLE " "/run/sshdial/$PEER.journal" ||
	fail "the guard is not journaled: $(cat "/run/sshdial/$PEER.journal")"

# Deleted behind sshdial's back (a firewall reload, nft flush ruleset): put back.
in_cli nft delete table inet "$TABLE" || fail "cannot delete the guard table"
wait_for 60 in_cli nft list table inet "$TABLE" ||
	fail "the guard table was not put back within 60 s of its deletion"
call_wait_count 1 "$TABLE.*was deleted by someone else; put it back" 30 ||
	fail "no message that the guard was put back"
send_bound "link down, guard put back"
assert_eq "$LEAK" 0 "bound packets outside the link after the guard was put back"
assert_eq "$ARP" 0 "ARP requests after the guard was put back"

# Up again: the link's interface is let through (traffic flows), nothing else.
e2e_blackhole_off
call_wait_up_n 2 150
ping_through "$E2E_TUN_SERVER" 120
in_cli nft list set inet "$TABLE" links | grep -q '"ppp' ||
	fail "the link's interface is not in the guard's set: $(in_cli nft list table inet "$TABLE")"
send_bound "link up"
assert_eq "$LEAK" 0 "bound packets outside the link while up"
assert_eq "$ARP" 0 "ARP requests for other addresses while up"

call_stop
assert_eq "$CALL_RC" 0
in_cli nft list ruleset >"$E2E_DIR/nft-after"
cmp -s "$E2E_DIR/nft-before" "$E2E_DIR/nft-after" ||
	fail "the nft ruleset differs after SIGTERM: $(diff "$E2E_DIR/nft-before" "$E2E_DIR/nft-after")"
topo4_state >"$E2E_DIR/state-after"
cmp -s "$E2E_DIR/state-before" "$E2E_DIR/state-after" ||
	fail "rules or routes differ at the end: $(diff "$E2E_DIR/state-before" "$E2E_DIR/state-after")"
assert_nothing_left "$PEER"
