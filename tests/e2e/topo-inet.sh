# shellcheck shell=bash
# An "internet" behind the test bed's server, for the server's masquerade.  Source after
# lib.sh and e2e_setup (either topology).
#
# inet_setup: a namespace $INET_NS joined to the server by a veth pair, inet0 in the
# server (10.66.0.1/24) and e2e0 in $INET_NS ($INET_IP, 10.66.0.80/24), which becomes the
# server's default route (so inet0 is its default interface).  $INET_NS has no route to
# the tunnel's or the test bed's networks: a packet from a client reaches it, and is
# answered, only with the server's address as its source.  It runs busybox httpd on
# $INET_IP:80, whose log ($INET_HTTPD_LOG) names each client's address.  The namespace
# is removed on exit, before lib.sh's own teardown.
INET_IP=10.66.0.80
INET_SRV_IP=10.66.0.1

inet_setup() {
	INET_NS=sshdial-e2e-inet-$$
	# The masquerade's kernel parts.  A running system loads them on demand; the VM's
	# kernel cannot (its modprobe helper is outside the guest's root), so load them here.
	modprobe -a nf_tables nft_chain_nat nft_masq ||
		fail "cannot load nf_tables, nft_chain_nat, nft_masq (the kernel's nftables NAT)"
	INET_HTTPD_LOG=$E2E_DIR/log/httpd.log
	ip netns add "$INET_NS" || fail "ip netns add $INET_NS failed"
	# _inet_rc is set in the trap's own text, before it is read there.
	# shellcheck disable=SC2154
	trap '_inet_rc=$?; _inet_teardown; (exit $_inet_rc); e2e_teardown' EXIT
	ip link add inet0 netns "$E2E_SRV" type veth peer name e2e0 netns "$INET_NS" &&
		ip -n "$E2E_SRV" addr add "$INET_SRV_IP/24" dev inet0 &&
		ip -n "$E2E_SRV" link set inet0 up &&
		ip -n "$INET_NS" addr add "$INET_IP/24" dev e2e0 &&
		ip -n "$INET_NS" link set e2e0 up && ip -n "$INET_NS" link set lo up &&
		ip -n "$E2E_SRV" route replace default via "$INET_IP" dev inet0 ||
		fail "cannot build the internet namespace"
	mkdir -p "$E2E_DIR/www" && echo "hello from the internet" >"$E2E_DIR/www/index.html" ||
		fail "cannot write the web page"
	e2e_log "$INET_HTTPD_LOG"
	ip netns exec "$INET_NS" busybox httpd -f -v -p "$INET_IP:80" -h "$E2E_DIR/www" \
		2>"$INET_HTTPD_LOG" &
	wait_for 90 sh -c "ip netns exec $INET_NS curl -sS -m 5 -o /dev/null http://$INET_IP/" ||
		fail "the internet's web server does not answer"
	: >"$INET_HTTPD_LOG"
}

_inet_teardown() {
	# shellcheck disable=SC2046
	kill -KILL $(ip netns pids "$INET_NS" 2>/dev/null) 2>/dev/null
	ip netns del "$INET_NS" 2>/dev/null
}
