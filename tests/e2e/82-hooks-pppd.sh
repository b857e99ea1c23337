#!/bin/bash
# A pppd peer file keeps what /etc/ppp/ip-up.d and ip-down.d did under
# pppd: sshdial runs them (run-parts, as Debian's /etc/ppp/ip-up) with pppd's arguments
# (interface tty speed local remote ipparam) and environment, ip-up.d once the link is up
# and ip-down.d after down.  check names each option it drops and what replaces it.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/resolver.sh

resolver_private_etc
printf 'nameserver 10.77.0.53\n' >/etc/resolv.conf
chmod 0644 /etc/resolv.conf

out=$E2E_DIR/hook-out
mkdir -m 755 "$out" || fail "cannot make $out"
# /etc/ppp is the test bed's private copy: these go with it.  The server's pppd (the
# classic one, in the other namespace) runs them too, through Debian's /etc/ppp/ip-up,
# with an empty ipparam: only the client's, with the peer's name, are kept.
for ev in up down; do
	cat >"/etc/ppp/ip-$ev.d/82-record" <<EOS
#!/bin/sh
[ "\$6" = e2e-classic ] || exit 0
echo "\$@" >$out/ip-$ev.args
env | sort >$out/ip-$ev.env
EOS
	chmod 755 "/etc/ppp/ip-$ev.d/82-record"
done

cat >/etc/ppp/peers/e2e-classic <<EOP
pty 'ssh -e none pppuser@$E2E_SERVER_IP false'
user pppuser
noauth
defaultroute
usepeerdns
persist
maxfail 0
EOP
msg=$("$SSHDIAL" check e2e-classic 2>&1) || fail "check refuses the classic file: $msg"
assert_match "$msg" "/etc/ppp/peers/e2e-classic:4: 'defaultroute' dropped: .*'route-all yes'"
assert_match "$msg" "/etc/ppp/peers/e2e-classic:5: 'usepeerdns' dropped: taken as 'dns yes'"
assert_match "$msg" "/etc/ppp/peers/e2e-classic:6: 'persist' dropped: sshdial redials the link itself"
assert_match "$msg" "/etc/ppp/peers/e2e-classic:7: 'maxfail 0' dropped: sshdial redials"
assert_match "$msg" "e2e-classic: configuration OK"

call_start e2e-classic
call_wait_up
wait_for 60 grep -q "e2e-classic: /etc/ppp/ip-up.d (run-parts) done" "$CALL_LOG" ||
	fail "ip-up.d did not run"
dev=$(ip -n "$E2E_CLI" -o -4 addr show | awk '$4 == "'"$E2E_TUN_CLIENT"'" { print $2 }')
[ -n "$dev" ] || fail "no interface holds $E2E_TUN_CLIENT"
args=$(cat "$out/ip-up.args")
assert_match "$args" "^$dev /dev/pts/[0-9]+ [0-9]+ ${E2E_TUN_CLIENT//./\\.} ${E2E_TUN_SERVER//./\\.} e2e-classic\$"
read -r _ tty speed _ <<<"$args"
env_has() { grep -qxF "$1" "$out/$2.env" || fail "$2.d's environment lacks $1"; }
for v in "PPP_IFACE=$dev" "PPP_TTY=$tty" "PPP_SPEED=$speed" "PPP_LOCAL=$E2E_TUN_CLIENT" \
	"PPP_REMOTE=$E2E_TUN_SERVER" "PPP_IPPARAM=e2e-classic" "PPP_TTYNAME=${tty#/dev/}" \
	"IFNAME=$dev" "IPLOCAL=$E2E_TUN_CLIENT" "IPREMOTE=$E2E_TUN_SERVER" "DEVICE=$tty" \
	"SPEED=$speed" "DNS1=$E2E_TUN_SERVER" "CALL_FILE=e2e-classic"; do
	env_has "$v" ip-up
done
grep -qE '^PPPD_PID=[0-9]+$' "$out/ip-up.env" || fail "ip-up.d got no PPPD_PID"
! grep -q '^USEPEERDNS=' "$out/ip-up.env" || fail "USEPEERDNS set: 0000usepeerdns would edit the resolver too"
# usepeerdns became dns yes: sshdial set the resolver itself.
assert_eq "$(grep '^nameserver' /etc/resolv.conf)" "nameserver $E2E_TUN_SERVER" "the resolver while up"
[ ! -e "$out/ip-down.args" ] || fail "ip-down.d ran while the link was up"

call_stop
assert_eq "$CALL_RC" 0
grep -q "e2e-classic: /etc/ppp/ip-down.d (run-parts) done" "$CALL_LOG" || fail "no line for ip-down.d"
[ -e "$out/ip-down.args" ] || fail "ip-down.d did not run after down"
assert_eq "$(cat "$out/ip-down.args")" "$args" "ip-down.d's arguments"
env_has "PPP_IFACE=$dev" ip-down
assert_eq "$(grep '^nameserver' /etc/resolv.conf)" "nameserver 10.77.0.53" "the resolver after down"
assert_nothing_left e2e-classic
