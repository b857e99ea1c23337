#!/bin/bash
# e2e-needs: systemd
# shellcheck disable=SC2015 # "a && b || fail" means: fail if either fails.
# journald and systemd: `sshdial@PEER` (Type=notify) is active once started,
# `systemctl status` shows the link's state (STATUS=), and a link going down reaches the
# journal as a warning: `journalctl -p warning` shows the `link down` line and not the
# information lines around it, which a plain `journalctl` shows.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/systemd.sh

sysd_setup "sshdial@$PEER.service"
write_peer "route 10.99.2.0/24"

out=$(sys systemctl start "sshdial@$PEER.service" 2>&1) || fail "systemctl start sshdial@$PEER failed: $out"
assert_eq "$(unit_state "sshdial@$PEER.service")" active "sshdial@$PEER.service once start returned"
assert_eq "$(sys systemctl show -P Type "sshdial@$PEER.service")" notify "sshdial@$PEER.service's Type"
wait_for 150 route_via_ppp 10.99.2.0/24 || fail "sshdial@$PEER: no route within 150s: $(ip route)"
wait_for 60 sh -c "nsenter -t 1 -m -- systemctl show -P StatusText sshdial@$PEER.service | grep -q '^$PEER: up: ppp'" ||
	fail "systemctl status does not show the link up: '$(sys systemctl show -P StatusText "sshdial@$PEER.service")'"
note "sshdial@$PEER up; status text: $(sys systemctl show -P StatusText "sshdial@$PEER.service")"

# The server's pppd killed: the client's link goes down and redials.
pppd=$(ip netns pids "$E2E_SRV" | xargs -r ps -o pid=,comm= -p | awk '$2 == "pppd" { print $1 }')
[ -n "$pppd" ] || fail "no pppd on the server"
kill -KILL $pppd
wait_for 120 sh -c "nsenter -t 1 -m -- journalctl --no-pager -o cat -p warning -u sshdial@$PEER.service | grep -q ': link down: '" ||
	fail "journalctl -p warning shows no link down: $(journal -p warning | tail -5); all: $(journal | tail -20)"
warnings=$(journal -p warning)
grep -q ": dialing " <<<"$warnings" && fail "journalctl -p warning shows information lines: $warnings"
journal | grep -q ": dialing " || fail "the journal has no dialing line: $(journal | tail -20)"
assert_eq "$(journal -p info -o json | jq -r 'select(.MESSAGE | test(": link down: ")) | .PRIORITY' | head -n1)" 4 \
	"the priority of the link down line"
note "journalctl -p warning: $(grep ': link down: ' <<<"$warnings" | head -n1)"

out=$(sys systemctl stop "sshdial@$PEER.service" 2>&1) || fail "systemctl stop sshdial@$PEER failed: $out"
assert_eq "$(unit_state "sshdial@$PEER.service")" inactive "sshdial@$PEER.service after stop"
