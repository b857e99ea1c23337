#!/bin/bash
# Server (b): a client whose ssh command asks for something else (a shell, or pppd with
# options of its own) still gets only pppd, with the server's options.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh

serve_setup "key alice" "address 192.168.77.10" "mtu 1400"
serve_key alice
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name alice)"

# try NAME REMOTE-COMMAND: the link comes up with the server's address and MTU, pppd is
# the server's, and serve logged that it ignored the command.
try() {
	serve_peer "$1" "$SERVE_KEY" "remote-command $2"
	call_start "$1"
	call_wait_up 90
	grep -q ': up after .* 192\.168\.77\.10 peer 192\.168\.77\.1,' "$CALL_LOG" ||
		fail "$1: not the server's addresses: $(grep 'up after' "$CALL_LOG")"
	local dev pppd
	dev=$(serve_ppp_of 192.168.77.10)
	[ -n "$dev" ] || fail "$1: the server has no ppp device for 192.168.77.10"
	assert_match "$(ip -n "$E2E_SRV" link show "$dev")" " mtu 1400 " "$1: the server's MTU"
	pppd=$(ip netns pids "$E2E_SRV" | xargs -r ps -o args= -p | grep '^/usr/sbin/pppd ')
	assert_match "$pppd" "^/usr/sbin/pppd call sshdial-serve-noauth notty nodetach 192\.168\.77\.1:192\.168\.77\.10 mtu 1400 " \
		"$1: the server's pppd"
	case $pppd in *10.9.9.*|*" 600"*) fail "$1: the client's options reached pppd: $pppd" ;; esac
	in_cli ping -c 1 -W 5 "$E2E_TUN_SERVER" >/dev/null || fail "$1: no traffic through the link"
	grep -qF "key alice: ignored the client's command '$3'" "$SERVE_LOG" ||
		fail "$1: serve did not log the ignored command '$3'"
	call_stop
	assert_eq "$CALL_RC" 0 "$1: exit status"
	wait_for 90 sh -c "[ \$(ip netns pids $E2E_SRV | xargs -r ps -o comm= -p | grep -c pppd) = 0 ]" ||
		fail "$1: the server's pppd did not end"
}

try shell /bin/sh /bin/sh
note "ssh ... /bin/sh: only pppd ran"
try options "pppd noauth 10.9.9.9:10.9.9.8 mtu 600" "pppd noauth 10.9.9.9:10.9.9.8 mtu 600"
note "ssh ... pppd OPTIONS: the server's options only"
