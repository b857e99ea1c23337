#!/bin/bash
# dns yes with the file backend: while the link is up, /etc/resolv.conf names
# only the server's DNS server (pppd's DNS1), and names resolve through it (dnsmasq on the
# server); after SIGTERM the file is byte-identical to before; after kill -9 of sshdial
# the next start of the peer restores it before it dials.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/resolver.sh

resolver_private_etc
# What a real system has: a plain file, with a search domain and a LAN resolver.
printf '# the LAN resolver\nnameserver 10.77.0.53\nsearch lan.example\noptions edns0\n' \
	>/etc/resolv.conf
chmod 0644 /etc/resolv.conf
before=$(sha256sum </etc/resolv.conf)
stat_before=$(stat -c '%a %u %g %F' /etc/resolv.conf)
resolver_dnsmasq "$E2E_TUN_SERVER" www.sshdial.test 10.66.0.80

# A generous health timeout: a loaded machine must not end the link before the kill -9.
peer_file e2e-dns "route 10.99.0.0/24" "dns yes" "health-timeout 30"
call_start e2e-dns
call_wait_up
grep -q "e2e-dns: DNS: /etc/resolv.conf $E2E_TUN_SERVER through ppp" "$CALL_LOG" ||
	fail "sshdial did not report setting the DNS servers"
# Replaced, not appended to: the LAN resolver must not see a query.
assert_eq "$(grep '^nameserver' /etc/resolv.conf)" "nameserver $E2E_TUN_SERVER" \
	"the nameservers while up"
ans=$(in_cli getent ahostsv4 www.sshdial.test | awk 'NR == 1 { print $1 }')
assert_eq "$ans" 10.66.0.80 "www.sshdial.test resolved through the link"
grep -q "query\[A\] www.sshdial.test from $E2E_TUN_CLIENT" "$DNSMASQ_LOG" ||
	fail "the server's dnsmasq did not see the query from $E2E_TUN_CLIENT"
note "names resolve through the server's DNS while up"

call_stop
assert_eq "$CALL_RC" 0
assert_eq "$(sha256sum </etc/resolv.conf)" "$before" "/etc/resolv.conf after SIGTERM"
assert_eq "$(stat -c '%a %u %g %F' /etc/resolv.conf)" "$stat_before" "its mode and owner"
assert_nothing_left e2e-dns
ls /run/sshdial/e2e-dns.journal.* >/dev/null 2>&1 && fail "a resolver backup is left over"
note "byte-identical after SIGTERM"

# kill -9: nothing restores the file until the next start of the peer.
call_start e2e-dns
call_wait_up
kill -KILL "$CALL_PID"
wait "$CALL_PID" 2>/dev/null
grep -q '^nameserver 192\.168\.77\.1$' /etc/resolv.conf ||
	fail "the crash did not leave the link's resolver file (test cannot show recovery)"
# The next start: a host that never answers, so that it never comes up again.
ip netns pids "$E2E_CLI" | xargs -r kill -KILL 2>/dev/null
sed -i 's/^host .*/host 10.77.0.99/' "$E2E_PEERS/e2e-dns"
call_start e2e-dns
wait_for 60 grep -q 'restored resolver file /etc/resolv.conf left by an earlier run' "$CALL_LOG" ||
	fail "the next start did not restore /etc/resolv.conf"
assert_eq "$(sha256sum </etc/resolv.conf)" "$before" "/etc/resolv.conf after kill -9 and the next start"
call_stop
assert_eq "$(sha256sum </etc/resolv.conf)" "$before" "/etc/resolv.conf at the end"
ls /run/sshdial/e2e-dns.journal.* >/dev/null 2>&1 && fail "a resolver backup is left over"
note "byte-identical after kill -9 and the next start"
