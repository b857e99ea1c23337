#!/bin/bash
# masquerade yes: while a key's link is up, its packets reach an
# "internet" behind the server (which has no route back to the tunnel) with the server's
# address as their source; the nftables ruleset is byte-identical before and after, also
# after a kill -9 of the server's pppd (no ip-down) followed by the next link, and after a
# kill -9 of one link's pppd while another's is up: the table goes with the last link.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/topo-inet.sh

inet_setup
serve_setup "masquerade yes" "key alice" "address 192.168.77.10" "key bob" "address 192.168.77.11"
serve_key bob
bob_key=$SERVE_KEY
serve_key alice
alice_line=$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name alice)
bob_line=$("$SERVE_SSHDIAL" authorize --key "$bob_key.pub" --name bob)
serve_authorize "$alice_line" "$bob_line"
before=$(in_srv nft list ruleset)

serve_peer alice "$SERVE_KEY" "route 10.66.0.0/24"
call_start alice
call_wait_up 90
wait_for 120 grep -q "key alice: ppp[0-9]* up, peer 192.168.77.10: masqueraded out of inet0" "$SERVE_LOG" ||
	fail "the hook did not report the masquerade"
in_srv nft list set ip sshdial clients | grep -q '192\.168\.77\.10 \. "inet0"' ||
	fail "the client is not in sshdial's set: $(in_srv nft list ruleset)"

# fetch: the page through the link; the web server must see the server's address.
fetch() {
	in_cli curl -sS -m 20 "http://$INET_IP/" 2>&1
}
assert_eq "$(fetch)" "hello from the internet" "the page fetched through the link"
grep -q "^$INET_SRV_IP:[0-9]*: response:200" "$INET_HTTPD_LOG" ||
	fail "the web server did not see the server's address $INET_SRV_IP: $(cat "$INET_HTTPD_LOG")"
grep -q "192\.168\.77\." "$INET_HTTPD_LOG" && fail "the web server saw a tunnel address"
note "masqueraded: the internet sees $INET_SRV_IP"

# kill -9 of the server's pppd: no ip-down runs, the client's entry stays until the next
# link's hook finds the journal of the vanished interface.
pppd=$(ip netns pids "$E2E_SRV" | xargs -r ps -o pid=,comm= -p | awk '$2 == "pppd" { print $1 }')
[ -n "$pppd" ] || fail "no pppd on the server"
up_before=$(call_count ': up after ')
kill -KILL $pppd
wait_for 120 sh -c "! ip -n $E2E_SRV -o link show type ppp | grep -q ppp" ||
	fail "the server's ppp device did not go"
in_srv nft list set ip sshdial clients | grep -q '192\.168\.77\.10' ||
	fail "the crash removed the entry (test cannot show recovery)"
call_wait_count $((up_before + 1)) ': up after ' 120 || fail "the link did not come back"
# The server's hook runs beside the client's: wait for its word, then count.
wait_for 150 sh -c "[ \$(grep -c 'key alice: ppp[0-9]* up, peer 192.168.77.10: masqueraded' '$SERVE_LOG') -ge 2 ]" ||
	fail "the next link's hook did not masquerade"
assert_eq "$(in_srv nft list set ip sshdial clients | grep -c '192\.168\.77\.10')" 1 "entries after the crash and the next link"
assert_eq "$(fetch)" "hello from the internet" "the page after the crash"
note "after kill -9 of the server's pppd, the next link has one entry"

# A second client: one table, two entries; the first one's link crashes on the server
# (kill -9, no ip-down) while the second's stays up.  alice's key is taken off first, so
# that her call, refused, ends instead of dialing again.
alice_pid=$CALL_PID
serve_peer bob "$bob_key" "route $INET_IP/32" # alice's 10.66.0.0/24 may still be there
call_start bob
call_wait_up 90
wait_for 150 sh -c "ip netns exec $E2E_SRV nft list set ip sshdial clients | grep -q '192\.168\.77\.11 '" ||
	fail "bob is not in sshdial's set: $(in_srv nft list ruleset)"
assert_eq "$(in_srv nft list ruleset | grep -c 'masquerade')" 1 "masquerade rules with two clients"
assert_eq "$(fetch)" "hello from the internet" "the page with two clients"
serve_authorize "$bob_line"
pppd=$(pgrep -f -- "ipparam alice\$")
[ -n "$pppd" ] || fail "no pppd for alice on the server"
kill -KILL $pppd
wait_for 120 sh -c "[ -z \"\$(pgrep -f -- 'ipparam alice\$')\" ]" || fail "alice's server pppd did not end"
set_now=$(in_srv nft list set ip sshdial clients 2>&1)
case $set_now in
*'192.168.77.10 . "inet0"'*) ;;
*) fail "alice's crash removed her entry (test cannot show the sweep): $set_now; $(ip -n "$E2E_SRV" -o link show type ppp)" ;;
esac
CALL_PID=$alice_pid call_wait_exit 120
note "alice's server pppd killed while bob is up; her call ended (status $CALL_RC)"

call_stop
assert_eq "$CALL_RC" 0
wait_for 120 sh -c "! ip netns pids $E2E_SRV | xargs -r ps -o comm= -p | grep -q pppd" ||
	fail "the server's pppd is still running"
wait_for 120 sh -c "[ -z \"\$(ls /run/sshdial/serve-*.journal 2>/dev/null)\" ]" ||
	fail "a server journal is left: $(ls /run/sshdial | tr "\n" " ")"
assert_eq "$(in_srv nft list ruleset)" "$before" "the server's nftables ruleset afterwards"
left=$(find /run/sshdial -mindepth 1 -maxdepth 1 ! -name 'sshdial-ip-*' -printf '%f\n')
[ -z "$left" ] || fail "files left in /run/sshdial: $left"
note "the ruleset is byte-identical afterwards"
