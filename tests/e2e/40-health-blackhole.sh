#!/bin/bash
# The path to the server goes silent while the link is up (the router drops everything,
# no ICMP error, no RST): sshdial's health check says 'link dead' and dials again; when
# the path comes back, so does the link, with its routes, and pings pass.  Both times
# asserted: 'link dead' within health-timeout + 1 s of the blackhole, and up again within
# one handshake + 2 s of the path's return (the handshake measured in this run: the first
# 'up after', or the redial's own if longer and dialed after the return).  The link
# knocks on the server's ssh port each second while the path is silent, and the first
# answer redials at once, whether the link was backing off or its attempt's connect was
# lost in the silence.  The log lines are stamped as they are written, not when a poll
# finds them.
E2E_TOPOLOGY=routed
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

in_srv ip addr add 10.99.0.1/24 dev lo
peer_file e2e-bh "route 10.99.0.0/24"
call_start e2e-bh
# stamp_log: each line of the call's log with the time it was written ($EPOCHREALTIME,
# no fork per line), into $E2E_DIR/stamped; stamped_at ERE [N]: the Nth such line's time.
tail -n +1 -F "$CALL_LOG" 2>/dev/null | while IFS= read -r line; do
	printf '%s %s\n' "$EPOCHREALTIME" "$line"
done >"$E2E_DIR/stamped" &
stamped_at() { grep -E -- "$1" "$E2E_DIR/stamped" | sed -n "${2:-1}p" | cut -d' ' -f1; }
stamped_count() { grep -cE -- "$1" "$E2E_DIR/stamped"; }
call_wait_up
note "up ${CALL_UP_AFTER}s after start"
up_after() { grep -oE ': up after [0-9.]+ s' "$CALL_LOG" | sed -n "${1}p" | grep -oE '[0-9.]+'; }
ping_through 10.99.0.1 30

# A healthy link is left alone.
sleep 5
assert_eq "$(call_count "$LINK_DEAD_RE|$LINK_DOWN_RE")" 0 "'link dead' or 'link down' lines on a healthy link"

icmp_before=$(e2e_router_icmp_out)
e2e_blackhole_on
t_off=$EPOCHREALTIME
# The drop is silent: a ping across gets no error back, only silence.
out=$(in_cli ping -c 1 -W 2 "$E2E_SERVER_IP" 2>&1) && fail "ping crossed the blackhole: $out"
case $out in *nreachable* | *rohibit*) fail "the router answered the blackholed ping: $out" ;; esac

# Without sshdial's own check, ssh's ServerAlive (10 s x 3) would end the link only after
# 30-40 s, and logged as 'link down' with no 'link dead' before it.
call_wait_count 1 "$LINK_DEAD_RE" 90 ||
	fail "no 'link dead' line within 90 s of the blackhole (see $CALL_LOG)"
wait_for 30 eval '[ "$(stamped_count "$LINK_DEAD_RE")" -ge 1 ]' || fail "the stamped log lacks the 'link dead' line"
timeout_s=$(grep -E "$LINK_DEAD_RE" "$CALL_LOG" | head -n1 | grep -oE 'for [0-9.]+ s$' | grep -oE '[0-9.]+')
[ -n "$timeout_s" ] || fail "the 'link dead' line names no timeout: $(grep -E "$LINK_DEAD_RE" "$CALL_LOG")"
detect=$(awk -v a="$t_off" -v b="$(stamped_at "$LINK_DEAD_RE")" 'BEGIN { printf "%.1f", b - a }')
note "link dead ${detect}s after the path went silent (health-timeout ${timeout_s}s)"
awk -v d="$detect" -v t="$timeout_s" 'BEGIN { exit !(d <= t + 1) }' ||
	fail "'link dead' came ${detect}s after the blackhole, more than health-timeout (${timeout_s}s) + 1 s"
dead_line=$(grep -nE "$LINK_DEAD_RE" "$CALL_LOG" | head -n1 | cut -d: -f1)
down_line=$(grep -nE "$LINK_DOWN_RE" "$CALL_LOG" | head -n1 | cut -d: -f1)
[ -z "$down_line" ] || [ "$down_line" -gt "$dead_line" ] ||
	fail "the link went down before the health check declared it dead: $(sed -n "${down_line}p" "$CALL_LOG")"
call_wait_count 2 ': dialing .* \(attempt [0-9]+\)$' 30 || fail "no new attempt after 'link dead'"
call_running || fail "sshdial ended after 'link dead'"

# Let the redial run into the silence a little, then bring the path back.
sleep 5
assert_eq "$(e2e_router_icmp_out)" "$icmp_before" "ICMP messages sent by the router while blackholing"
e2e_blackhole_off
t_on=$EPOCHREALTIME
call_wait_up_n 2 150
wait_for 30 eval '[ "$(stamped_count ": up after ")" -ge 2 ]' || fail "the stamped log lacks the second 'up after' line"
back=$(awk -v a="$t_on" -v b="$(stamped_at ": up after " 2)" 'BEGIN { printf "%.1f", b - a }')
# The handshake: the first up's, and the redial's own when that attempt was dialed after
# the path came back (one dialed before spent part of its time in the silence).
up2_at=$(stamped_at ": up after " 2)
hs=$(awk -v a="$(up_after 1)" -v b="$(up_after 2)" -v at="$up2_at" -v on="$t_on" \
	'BEGIN { if (at - b < on) b = 0; printf "%.1f", (a > b ? a : b) }')
note "up again ${back}s after the path came back ($(call_attempts) attempts in all; handshake ${hs}s: first up $(up_after 1)s, the redial $(up_after 2)s)"
# Without the knock, the attempt in flight would sit in TCP's SYN retransmissions (1, 3,
# 7, 15 s apart) or the link in its backoff (up to 30 s).
awk -v d="$back" -v h="$hs" 'BEGIN { exit !(d <= h + 2) }' ||
	fail "the link was up again only ${back}s after the path came back, more than the handshake (${hs}s) + 2 s"
[ "$(call_count ' answers again on port [0-9]+; ')" -ge 1 ] ||
	fail "no line says that the server answered again (see $CALL_LOG)"
ping_through 10.99.0.1 60
assert_route_once 10.99.0.0/24

# SIGUSR1: one status line naming the state, the server, the transport (the pty: this
# server is a classic pppd), the attempts and the last failure. The last failure is
# the failure of the last attempt that ended: 'link dead' when the first redial got
# through, else whatever stopped the redials into the silence (an ssh connect timeout,
# on a slow machine). Either way it is the reason of the last 'link down' line, and the
# dead link is among the reasons the log gave.
kill -USR1 "$CALL_PID"
call_wait_count 1 ': status: state ' 10 || fail "no status line after SIGUSR1"
status=$(grep -E ': status: state ' "$CALL_LOG" | tail -n1)
note "${status#sshdial: }"
assert_match "$status" ": status: state up, server $E2E_SERVER_IP, transport pty, attempts $(call_attempts), uptime [0-9]+ s, last failure: " \
	"the status line"
last_down=$(grep -E "$LINK_DOWN_RE" "$CALL_LOG" | tail -n1 | sed -E "s/^.*$LINK_DOWN_RE//; s/; dialing again.*$//")
assert_eq "${status#*, last failure: }" "$last_down" "the status line's last failure (the last 'link down' reason)"
grep -E "$LINK_DOWN_RE" "$CALL_LOG" | grep -q 'link down: link dead: ' ||
	fail "no 'link down' line gives the dead link as its reason: $(grep -E "$LINK_DOWN_RE" "$CALL_LOG")"
call_running || fail "sshdial ended on SIGUSR1"

call_stop
assert_eq "$CALL_RC" 0
assert_nothing_left e2e-bh
