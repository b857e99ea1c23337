#!/bin/bash
# Roaming under `sshdial call`: the client moves from one uplink to another
# (the old interface goes down with its address and default route; the new one comes up
# with an address and a default route), and back. Each time the link is back within one
# ssh handshake plus 1 s of the new default route: the path watch redials at once, the
# health verdict does not start a backoff first. The handshake is measured in the same
# run: the longer of the link's first 'up after' and the redial's own (dial to ip-up).
# Without route-all, then with it: its kill switch lets no packet out while the link
# redials. The server is an sshdial server whose key has a fixed address, so that the new
# connection takes over the stale session at once (as in 36), which a classic pppd
# server would keep, with the tunnel's route, until its echo gives up.
E2E_TOPOLOGY=routed
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/roam.sh
roam_setup
serve_setup "key alice" "address 192.168.77.10"
serve_key alice
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name alice)"

# Under route-all the new uplink's default route is accepted by route-all's rules (rule
# 8335: tests/netconf), and the kill switch holds while the link redials.
for ra in no yes; do
	serve_peer e2e-roam "$SERVE_KEY" "route-all $ra"
	ROAM_KILL_SWITCH=
	[ "$ra" = no ] || ROAM_KILL_SWITCH=1
	call_start e2e-roam
	: >"$E2E_DIR/stamped"
	roam_stamp "$CALL_LOG"
	call_wait_up 300
	note "route-all $ra: up ${CALL_UP_AFTER}s after start"
	ping_through "$E2E_TUN_SERVER" 60
	roam_check "route-all $ra, A -> B" roam_to_b
	roam_check "route-all $ra, B -> A" roam_to_a
	note "route-all $ra: $(call_count "$LINK_DEAD_RE") 'link dead' lines"
	call_stop
	assert_eq "$CALL_RC" 0 "route-all $ra: sshdial's exit status"
	assert_nothing_left e2e-roam
	kill "$ROAM_STAMPER" 2>/dev/null # the stamper of this call's log
done
