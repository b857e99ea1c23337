#!/bin/bash
# e2e-needs: systemd
# shellcheck disable=SC2015 # "a && b || fail" means: fail if either fails.
# (issue 24) journald and systemd: `sshdial@PEER` (Type=notify) is active once started,
# `systemctl status` shows the link's state (STATUS=), and a link going down reaches the
# journal as a warning: `journalctl -p warning` shows the `link down` line and not the
# information lines around it, which a plain `journalctl` shows.
if [ ! -d /run/systemd/system ] || [ "${E2E_IN_VM:-}" != 1 ]; then
	echo "FAIL: this scenario installs sshdial and starts system services: run it as" \
		"tests/e2e/run 02, which boots a VM with systemd (scripts/vm-run --systemd)"
	exit 1
fi
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh

PEER=e2e
ETC=/etc/sshdial
SBIN=/usr/local/sbin/sshdial

# sys CMD...: CMD in PID 1's mount namespace (the real /run, /etc; the root network
# namespace is the scenario's own).
sys() { nsenter -t 1 -m -- "$@"; }
unit_state() { sys systemctl is-active "$1" 2>/dev/null; }
route_via_ppp() { ip route show "$1" | grep -qE " dev ppp[0-9]+( |$)"; }

JOURNAL=$E2E_DIR/log/journal.txt
e2e_log "$JOURNAL"
sys_cleanup() {
	sys journalctl --no-pager -o short-monotonic -u "sshdial@$PEER.service" >"$JOURNAL" 2>&1
	sys systemctl stop "sshdial@$PEER.service" 2>/dev/null
}
# shellcheck disable=SC2154 # rc is set by the trap itself
trap 'rc=$?; sys_cleanup; (exit $rc); e2e_teardown' EXIT

# The server: an sshdial server in its namespace, one key for this peer.
serve_setup "key $PEER" "address 192.168.77.10"
serve_key "$PEER"
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name "$PEER")"
ip link add sd-root type veth peer name sd-srv netns "$E2E_SRV" &&
	ip addr add 10.78.0.1/24 dev sd-root && ip link set sd-root up &&
	ip -n "$E2E_SRV" addr add 10.78.0.2/24 dev sd-srv && ip -n "$E2E_SRV" link set sd-srv up &&
	ip route add "$E2E_SERVER_IP/32" via 10.78.0.2 ||
	fail "cannot join the root namespace to the server's"
wait_for 90 ping -c 1 -W 1 "$E2E_SERVER_IP" || fail "no ping from the root namespace to $E2E_SERVER_IP"

# sudo make install, as the README says (PREFIX=/usr/local, units in
# /usr/local/lib/systemd/system, peers in /etc/sshdial/peers).
sys env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s --no-print-directory -C "$E2E_TOP" \
	-o build/sshdial install >"$E2E_DIR/log/install-root.log" 2>&1 ||
	fail "make install failed: $(cat "$E2E_DIR/log/install-root.log")"
for f in "$SBIN" /usr/local/lib/systemd/system/sshdial.service \
	/usr/local/lib/systemd/system/sshdial@.service; do
	sys test -f "$f" || fail "make install did not install $f"
done
sys install -m 600 "$SERVE_KEY" "$ETC/$PEER.key" &&
	sys install -m 644 "$E2E_KNOWN_HOSTS" "$ETC/known_hosts" &&
	sys install -m 600 "$E2E_PAP_FILE" "$ETC/$PEER.pap" || fail "cannot copy the client's files"
write_peer() {
	{
		echo "# written by tests/e2e/02-journal-priority.sh"
		echo "host $E2E_SERVER_IP"
		echo "ssh-user pppuser"
		echo "local-user root"
		echo "identity $ETC/$PEER.key"
		echo "known-hosts $ETC/known_hosts"
		echo "pap-user $E2E_PAP_USER"
		echo "pap-password-file $ETC/$PEER.pap"
		printf '%s\n' "$@"
	} | sys tee "$ETC/peers/$PEER" >/dev/null || fail "cannot write $ETC/peers/$PEER"
}
write_peer "route 10.99.2.0/24"
journal() { sys journalctl --no-pager -o cat -u "sshdial@$PEER.service" "$@"; }

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
