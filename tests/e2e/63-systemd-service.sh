#!/bin/bash
# e2e-needs: systemd
# shellcheck disable=SC2015 # "a && b || fail" means: fail if either fails.
# The systemd units: in a guest that boots systemd as PID 1 (the runner uses
# scripts/vm-run --systemd for this header line), `make install` as a user would run it,
# a peer with `autostart yes` in /etc/sshdial/peers, then `systemctl start sshdial`:
# the unit is active once start returns (Type=notify, READY=1), `sshdial status --json`
# shows the peer up with its route, `systemctl reload sshdial` (ExecReload) redials the
# changed peer with its new route, and `systemctl stop sshdial` leaves the routes and
# rules as they were before, with no pppd or ssh left. Then `systemctl start
# sshdial@PEER` brings the same peer up as `sshdial call`, and stop takes it down cleanly.
# All of it under the units' hardening, unchanged: address families with
# AF_PPPOX, a capability bounding set, @system-service system calls and DevicePolicy=closed
# with /dev/ppp and the ptys; both links run on the frame transport (transport auto):
# status says "frames" and the root namespace's /proc/net/pppol2tp has the session.
# The set-up, and where the services run, is tests/e2e/systemd.sh's.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/systemd.sh

# net_state: the root namespace's routes and rules, both families.
net_state() { ip route show table all; ip rule show; ip -6 route show table all; ip -6 rule show; }
# root_pids COMM: pids of processes named COMM in the root network namespace.
root_pids() {
	local p me
	me=$(readlink /proc/1/ns/net)
	for p in $(pgrep -x "$1"); do
		[ "$(readlink "/proc/$p/ns/net" 2>/dev/null)" = "$me" ] && echo "$p"
	done
}
sd_status() { sys "$SBIN" status --json; }
sd_field() { sd_status | jq -r --arg n "$PEER" ".[] | select(.name == \$n) | .$1"; }
_sd_up() { [ "$(sd_field state)" = up ]; }
l2tp_session() { grep -q '^  SESSION ' /proc/net/pppol2tp; }
# unit_hardened UNIT: the issue-20 settings are in force.
unit_hardened() {
	local v
	v=$(sys systemctl show -P RestrictAddressFamilies "$1")
	case " $v " in *" AF_PPPOX "*) ;; *) fail "$1: RestrictAddressFamilies has no AF_PPPOX: $v" ;; esac
	assert_eq "$(sys systemctl show -P DevicePolicy "$1")" closed "$1: DevicePolicy"
	v=$(sys systemctl show -P CapabilityBoundingSet "$1")
	case " $v " in *" cap_net_admin "*) ;; *) fail "$1: CapabilityBoundingSet: $v" ;; esac
	case " $v " in *" cap_sys_admin "* | *" cap_sys_module "*) fail "$1: CapabilityBoundingSet is too wide: $v" ;; esac
	[ -n "$(sys systemctl show -P SystemCallFilter "$1")" ] || fail "$1: no SystemCallFilter"
}

sysd_setup sshdial.service "sshdial@$PEER.service"
write_peer "autostart yes" "route 10.99.1.0/24"
out=$(sys "$SBIN" check "$PEER" 2>&1) || fail "sshdial check $PEER: $out"

before=$(net_state)
sys systemctl daemon-reload || fail "systemctl daemon-reload failed"
t0=$(now)
out=$(sys systemctl start sshdial.service 2>&1) || fail "systemctl start sshdial failed: $out"
note "systemctl start sshdial returned after $(since "$t0")s"
assert_eq "$(unit_state sshdial.service)" active "sshdial.service after start"
assert_eq "$(sys systemctl show -P Type sshdial.service)" notify "the unit's Type"
unit_hardened sshdial.service
wait_for 150 _sd_up || fail "$PEER is not up within 150s: $(sys "$SBIN" status 2>&1)"
note "$PEER up after $(since "$t0")s"
# State and transport from one status (a loaded machine's link may flap between two).
_sd_up_frames() { sd_status | jq -e --arg n "$PEER" '.[] | select(.name == $n and .state == "up" and .transport == "frames")'; }
wait_for 150 _sd_up_frames || fail "$PEER is not up on the frame transport under sshdial.service: $(sys "$SBIN" status 2>&1)"
l2tp_session || fail "no L2TP session in the root namespace: $(cat /proc/net/pppol2tp)"
assert_match "$(sd_field ifname)" '^ppp[0-9]+$' "$PEER ifname"
assert_eq "$(sd_field local)" 192.168.77.10 "$PEER local address"
assert_eq "$(sd_field server)" "$E2E_SERVER_IP" "$PEER server"
route_via_ppp 10.99.1.0/24 || fail "no route 10.99.1.0/24 through ppp: $(ip route)"
wait_for 60 ping -c 1 -W 2 "$E2E_TUN_SERVER" || fail "no ping through the link to $E2E_TUN_SERVER"

# reload: the changed peer redials with its new route.
write_peer "autostart yes" "route 10.99.2.0/24"
out=$(sys systemctl reload sshdial.service 2>&1) || fail "systemctl reload sshdial failed: $out"
wait_for 150 eval 'route_via_ppp 10.99.2.0/24 && _sd_up' ||
	fail "no route 10.99.2.0/24 after reload: $(ip route); $(sys "$SBIN" status 2>&1)"
[ -z "$(ip route show 10.99.1.0/24)" ] || fail "the old route 10.99.1.0/24 is left after reload"
assert_eq "$(unit_state sshdial.service)" active "sshdial.service after reload"
note "reload: $PEER redialed with its new route"

out=$(sys systemctl stop sshdial.service 2>&1) || fail "systemctl stop sshdial failed: $out"
assert_eq "$(unit_state sshdial.service)" inactive "sshdial.service after stop"
assert_eq "$(net_state)" "$before" "routes and rules after stop"
assert_eq "$(root_pids pppd)$(root_pids ssh)" "" "pppd and ssh after stop"
[ -z "$(ip -o link show type ppp)" ] || fail "a ppp device is left: $(ip -o link show type ppp)"

# sshdial@PEER: sshdial call PEER.
t0=$(now)
out=$(sys systemctl start "sshdial@$PEER.service" 2>&1) || fail "systemctl start sshdial@$PEER failed: $out"
wait_for 150 route_via_ppp 10.99.2.0/24 || fail "sshdial@$PEER: no route within 150s: $(ip route)"
note "sshdial@$PEER up after $(since "$t0")s"
unit_hardened "sshdial@$PEER.service"
wait_for 30 l2tp_session || fail "sshdial@$PEER: no L2TP session in the root namespace: $(cat /proc/net/pppol2tp)"
assert_eq "$(unit_state "sshdial@$PEER.service")" active "sshdial@$PEER.service"
sys systemctl show -P ExecStart "sshdial@$PEER.service" | grep -q "argv\[\]=$SBIN call $PEER " ||
	fail "sshdial@$PEER does not run '$SBIN call $PEER': $(sys systemctl show -P ExecStart "sshdial@$PEER.service")"
wait_for 60 ping -c 1 -W 2 "$E2E_TUN_SERVER" || fail "no ping through sshdial@$PEER's link"
out=$(sys systemctl stop "sshdial@$PEER.service" 2>&1) || fail "systemctl stop sshdial@$PEER failed: $out"
assert_eq "$(unit_state "sshdial@$PEER.service")" inactive "sshdial@$PEER.service after stop"
assert_eq "$(net_state)" "$before" "routes and rules after stopping sshdial@$PEER"
assert_eq "$(root_pids pppd)$(root_pids ssh)" "" "pppd and ssh after stopping sshdial@$PEER"
