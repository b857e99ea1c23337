#!/bin/bash
# kill-switch always: the lockdown.  An ordinary user (nobody) floods UDP toward
# an address beyond the café's router; an nft counter in the router counts what reaches it.
#   - `sshdial down` under the daemon leaves the block: 0 datagrams, status "blocked", and
#     the lockdown record under /var/lib/sshdial/lockdown;
#   - a simulated reboot (the daemon stopped, every process, sshdial's rules, routes, guard and
#     /run/sshdial gone, as after a power cycle; /var/lib kept): the flood gets out before
#     the daemon starts, and the daemon's start puts the block back before it dials: 0;
#   - `sshdial unlock` (a daemon-managed peer) lets the flood out; `up` brings the link up
#     and the flood goes through it: 0 at the router again;
#   - a change to the peer file that drops 'always' ends the lockdown: after down, the
#     flood gets out and nothing of sshdial's is left.
E2E_TOPOLOGY=routed
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/topo4.sh
. tests/e2e/daemon.sh
topo4_setup
. tests/e2e/flood.sh
flood_setup
flood_varlib
RECORD=/var/lib/sshdial/lockdown/e2e-lock

topo4_state >"$E2E_DIR/state-before"
peer_file e2e-lock "route-all yes" "kill-switch always" "transport pty"
out=$(in_cli "$SSHDIAL" check --peers-dir "$E2E_PEERS" e2e-lock 2>&1) || fail "check refuses kill-switch always: $out"
blocked() { field e2e-lock blocked; }

daemon_start
out=$(ctl up --timeout 600 e2e-lock) || fail "up failed: $out"
[ -f "$RECORD" ] || fail "no lockdown record $RECORD while up"
flood_start

# --- down: the block stays ---------------------------------------------------------------------
out=$(ctl down e2e-lock) || fail "down failed: $out"
assert_match "$out" "kill-switch always keeps its traffic blocked" "down's answer"
topo4_reset_counters
assert_eq "$(field e2e-lock state)" blocked "state after down"
assert_match "$(blocked)" "^kill-switch always; 'sshdial up e2e-lock' or 'sshdial unlock e2e-lock'$" "status after down"
sleep 3
assert_eq "$(flood_packets)" 0 "datagrams of the flood at the router after down"
[ -f "$RECORD" ] || fail "the lockdown record went with down"

# --- a simulated reboot --------------------------------------------------------------------------
daemon_stop
assert_eq "$DAEMON_RC" 0 "the daemon's exit status"
[ -n "$(in_cli ip rule show | grep 'proto 83')" ] || fail "stopping the daemon lifted the lockdown"
flood_stop
for c in pppd ssh; do cli_pids "$c" | xargs -r kill -KILL 2>/dev/null; done
for f in -4 -6; do
	for pref in 8300 8301 8310 8320 8330 8335 8340; do
		while in_cli ip "$f" rule del pref "$pref" 2>/dev/null; do :; done
	done
	in_cli ip "$f" route flush table 83 2>/dev/null
done
# A reboot also empties nf_tables: the kill switch's guard goes with the rules.
for t in $(in_cli nft list tables inet | awk '$3 ~ /^sshdial_guard_/ { print $3 }'); do
	in_cli nft delete table inet "$t" || fail "cannot delete nftables table $t"
done
rm -rf /run/sshdial/*
topo4_state >"$E2E_DIR/state-rebooted"
cmp -s "$E2E_DIR/state-before" "$E2E_DIR/state-rebooted" ||
	fail "the simulated reboot left state: $(diff "$E2E_DIR/state-before" "$E2E_DIR/state-rebooted")"
topo4_reset_counters
flood_start
flood_wait_some 120 || fail "after the simulated reboot, before the daemon, the flood did not get out"
note "rebooted, no daemon yet: $(flood_packets) datagrams of the flood at the router"
flood_stop
daemon_start
topo4_reset_counters
flood_start
wait_for 60 grep -q 'e2e-lock: kill-switch always: blocked before anything is dialed' "$DAEMON_LOG" ||
	fail "the daemon's start did not put the lockdown back"
assert_eq "$(field e2e-lock state)" blocked "state after the reboot"
assert_match "$(blocked)" "^kill-switch always; " "status after the reboot"
ctl status e2e-lock | sed 's/^/    /'
sleep 3
after_boot=$(flood_packets)
note "after the simulated reboot, the daemon started: $after_boot datagrams of the flood at the router"
assert_eq "$after_boot" 0 "datagrams of the flood at the router after the reboot"

# --- unlock, then up (the captive portal's order) ----------------------------------------------
out=$(ctl unlock e2e-lock 2>&1) || fail "unlock of the daemon's peer failed: $out"
flood_wait_some 120 || fail "after unlock the flood did not get out"
note "after unlock: $(flood_packets) datagrams of the flood at the router"
[ ! -e "$RECORD" ] || fail "the lockdown record stays after unlock"
assert_eq "$(blocked)" null "status after unlock"
out=$(ctl up --timeout 600 e2e-lock) || fail "up after unlock failed: $out"
ping_through "$E2E_TUN_SERVER" 120
topo4_reset_counters
sleep 3
assert_eq "$(flood_packets)" 0 "datagrams of the flood at the router with the link up"
[ -f "$RECORD" ] || fail "up did not put the lockdown record back"

# --- a change to the peer file ends the lockdown ------------------------------------------------
peer_file e2e-lock "route-all yes" "kill-switch yes" "transport pty"
ctl reload >/dev/null || fail "reload failed"
wait_for 30 test ! -e "$RECORD" || fail "the lockdown record stays after the peer file dropped 'always'"
daemon_wait_state e2e-lock up 400
out=$(ctl down e2e-lock) || fail "down failed: $out"
assert_match "$out" "down, everything it changed undone" "down without the lockdown"
topo4_reset_counters
flood_wait_some 120 || fail "after the lockdown ended and down, the flood did not get out"
flood_stop
daemon_stop
topo4_state >"$E2E_DIR/state-after"
cmp -s "$E2E_DIR/state-before" "$E2E_DIR/state-after" ||
	fail "rules or routes differ at the end: $(diff "$E2E_DIR/state-before" "$E2E_DIR/state-after")"
assert_nothing_left e2e-lock
