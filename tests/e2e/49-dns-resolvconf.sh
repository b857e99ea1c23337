#!/bin/bash
# dns yes with the resolvconf backend: Debian's resolvconf unpacked into the
# scenario's private /etc and /usr (from the .deb scripts/install-deps keeps) and set up as
# its package scripts do, /etc/resolv.conf its symlink.  While the link is up, resolvconf holds the link's record
# (named after the interface and the peer) and names resolve through the server's dnsmasq;
# after SIGTERM, and after kill -9 followed by the next start of the peer, the record is
# gone and /etc/resolv.conf, the file it points to and resolvconf's record directory are
# byte-identical to before.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/resolver.sh

resolver_private_etc
resolver_private_tree /usr
printf '# the LAN resolver\nnameserver 10.77.0.53\nsearch lan.example\n' >/etc/resolv.conf
resolver_unpack_debs resolvconf
# What the package's postinst and boot script do: the old file becomes a record of its
# own and the tail, /etc/resolv.conf the link to resolvconf's file, updates enabled.  No
# pppd hook of its own: the record under test is sshdial's (a client whose pppd ran
# resolvconf's ip-up hook would get a second one).
mkdir -p /run/resolvconf/interface
cp -a /etc/resolv.conf /etc/resolvconf/resolv.conf.d/original
cp -aH /etc/resolv.conf /run/resolvconf/interface/original.resolvconf
: >/etc/resolvconf/resolv.conf.d/tail
ln -nsf ../run/resolvconf/resolv.conf /etc/resolv.conf
resolvconf --enable-updates || fail "resolvconf --enable-updates failed"
rm -f /etc/ppp/ip-up.d/000resolvconf /etc/ppp/ip-down.d/000resolvconf
[ "$(readlink /etc/resolv.conf)" = ../run/resolvconf/resolv.conf ] ||
	fail "resolvconf did not make /etc/resolv.conf its symlink: $(ls -l /etc/resolv.conf)"
resolvconf -u || fail "resolvconf -u failed"
state() {
	readlink /etc/resolv.conf
	sha256sum </etc/resolv.conf
	ls -la --time-style=+ /run/resolvconf/interface | awk '{ print $1, $3, $4, $NF }'
	for f in /run/resolvconf/interface/*; do [ -f "$f" ] && sha256sum "$f"; done
}
before=$(state)
note "resolvconf set up; /etc/resolv.conf -> $(readlink /etc/resolv.conf): $(grep -c nameserver /etc/resolv.conf) nameserver(s)"
resolver_dnsmasq "$E2E_TUN_SERVER" www.sshdial.test 10.66.0.80

# A generous health timeout: a loaded machine must not end the link before the kill -9.
peer_file e2e-dns "route 10.99.0.0/24" "dns yes" "health-timeout 30"
call_start e2e-dns
call_wait_up
grep -q "e2e-dns: DNS: resolvconf $E2E_TUN_SERVER through ppp" "$CALL_LOG" ||
	fail "sshdial did not report giving the DNS servers to resolvconf"
record=$(find /run/resolvconf/interface -mindepth 1 -maxdepth 1 -name '*.sshdial-e2e-dns' -printf '%f\n' | grep .) ||
	fail "no record of sshdial's in /run/resolvconf/interface: $(ls /run/resolvconf/interface)"
grep -q "^nameserver $E2E_TUN_SERVER\$" "/run/resolvconf/interface/$record" ||
	fail "record $record does not name the link's server"
# resolvconf orders records by its interface-order: the link's (ppp*) comes before the
# original file's (*), so it is the first server asked.
assert_eq "$(grep -m1 '^nameserver' /etc/resolv.conf)" "nameserver $E2E_TUN_SERVER" \
	"the first nameserver while up"
ans=$(in_cli getent ahostsv4 www.sshdial.test | awk 'NR == 1 { print $1 }')
assert_eq "$ans" 10.66.0.80 "www.sshdial.test resolved through the link"
grep -q "query\[A\] www.sshdial.test from $E2E_TUN_CLIENT" "$DNSMASQ_LOG" ||
	fail "the server's dnsmasq did not see the query from $E2E_TUN_CLIENT"
note "record $record; names resolve through the server's DNS while up"

call_stop
assert_eq "$CALL_RC" 0
grep -q "e2e-dns: DNS: resolvconf restored" "$CALL_LOG" || fail "no word of the record's removal"
assert_eq "$(state)" "$before" "resolv.conf and resolvconf's records after SIGTERM"
assert_nothing_left e2e-dns
note "record gone, byte-identical after SIGTERM"

# kill -9: nothing removes the record until the next start of the peer.
call_start e2e-dns
call_wait_up
kill -KILL "$CALL_PID"
wait "$CALL_PID" 2>/dev/null
[ -e "/run/resolvconf/interface/$record" ] ||
	fail "the crash did not leave the record (test cannot show recovery)"
ip netns pids "$E2E_CLI" | xargs -r kill -KILL 2>/dev/null
sed -i 's/^host .*/host 10.77.0.99/' "$E2E_PEERS/e2e-dns"
call_start e2e-dns
wait_for 60 grep -q 'removed resolvconf record for ppp[0-9]* left by an earlier run' "$CALL_LOG" ||
	fail "the next start did not remove the record"
assert_eq "$(state)" "$before" "resolv.conf and records after kill -9 and the next start"
call_stop
assert_eq "$(state)" "$before" "resolv.conf and records at the end"
note "record gone, byte-identical after kill -9 and the next start"
