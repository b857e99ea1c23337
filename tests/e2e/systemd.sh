# shellcheck shell=bash
# shellcheck disable=SC2015 # "a && b || fail" means: fail if either fails.
# The set-up of the scenarios that run under systemd ("# e2e-needs: systemd" in their
# header; the runner boots a guest with systemd as PID 1 for them, scripts/vm-run
# --systemd).  The services run where systemd runs them: the guest's root mount and
# network namespaces, not the test bed's private ones.  So the server stays in its
# namespace, reached over a veth pair from the root namespace (10.78.0.1 <-> 10.78.0.2,
# plus a route to the server's address), the client's key, known_hosts and PAP secret are
# copied into the root namespace's /etc/sshdial, and every systemctl and sshdial command
# runs in PID 1's mount namespace (sys).  The guest's root is a throwaway overlay.
# Source it after lib.sh, call.sh and serve.sh and e2e_setup.

PEER=e2e
ETC=/etc/sshdial
SBIN=/usr/local/sbin/sshdial

# sys CMD...: CMD in PID 1's mount namespace (the real /run, /etc; the root network
# namespace is the scenario's own).
sys() { nsenter -t 1 -m -- "$@"; }
unit_state() { sys systemctl is-active "$1" 2>/dev/null; }
route_via_ppp() { ip route show "$1" | grep -qE " dev ppp[0-9]+( |$)"; }
journal() { sys journalctl --no-pager -o cat -u "sshdial@$PEER.service" "$@"; }

# sysd_setup UNIT...: the server with one key for PEER, reached from the root namespace;
# sshdial installed as the README says (make install: PREFIX=/usr/local, units in
# /usr/local/lib/systemd/system, peers in /etc/sshdial/peers); the client's files in
# /etc/sshdial.  At the end the units' journal is kept in the scenario's log and the
# units are stopped.
sysd_setup() {
	# PID 1's /run: e2e_setup gave the scenario a /run of its own.
	if ! sys test -d /run/systemd/system || [ "${E2E_IN_VM:-}" != 1 ]; then
		fail "this scenario installs sshdial and starts system services: run it through" \
			"tests/e2e/run, which boots a VM with systemd (scripts/vm-run --systemd)"
	fi
	SYSD_UNITS=("$@")
	JOURNAL=$E2E_DIR/log/journal.txt
	e2e_log "$JOURNAL"
	# shellcheck disable=SC2154 # rc is set by the trap itself
	trap 'rc=$?; sysd_cleanup; (exit $rc); e2e_teardown' EXIT

	serve_setup "key $PEER" "address 192.168.77.10"
	serve_key "$PEER"
	serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name "$PEER")"
	ip link add sd-root type veth peer name sd-srv netns "$E2E_SRV" &&
		ip addr add 10.78.0.1/24 dev sd-root && ip link set sd-root up &&
		ip -n "$E2E_SRV" addr add 10.78.0.2/24 dev sd-srv && ip -n "$E2E_SRV" link set sd-srv up &&
		ip route add "$E2E_SERVER_IP/32" via 10.78.0.2 ||
		fail "cannot join the root namespace to the server's"
	wait_for 90 ping -c 1 -W 1 "$E2E_SERVER_IP" || fail "no ping from the root namespace to $E2E_SERVER_IP"

	sys env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s --no-print-directory -C "$E2E_TOP" \
		-o build/sshdial install >"$E2E_DIR/log/install-root.log" 2>&1 ||
		fail "make install failed: $(cat "$E2E_DIR/log/install-root.log")"
	local f
	for f in "$SBIN" /usr/local/lib/systemd/system/sshdial.service \
		/usr/local/lib/systemd/system/sshdial@.service; do
		sys test -f "$f" || fail "make install did not install $f"
	done
	sys install -m 600 "$SERVE_KEY" "$ETC/$PEER.key" &&
		sys install -m 644 "$E2E_KNOWN_HOSTS" "$ETC/known_hosts" &&
		sys install -m 600 "$E2E_PAP_FILE" "$ETC/$PEER.pap" || fail "cannot copy the client's files"
}

sysd_cleanup() {
	local u args=()
	for u in "${SYSD_UNITS[@]}"; do args+=(-u "$u"); done
	sys journalctl --no-pager -o short-monotonic "${args[@]}" >"$JOURNAL" 2>&1
	sys systemctl stop "${SYSD_UNITS[@]}" 2>/dev/null
}

# write_peer LINE...: /etc/sshdial/peers/PEER with the client's files and these lines.
write_peer() {
	{
		echo "# written by tests/e2e/systemd.sh for ${0##*/}"
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
