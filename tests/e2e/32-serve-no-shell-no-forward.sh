#!/bin/bash
# Server (c): a key whose line runs `sshdial serve` gets neither an interactive shell nor a
# port forward, with 'restrict' and with the older sshd's option set (--old-sshd).
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh

serve_setup "key alice" "address 192.168.77.10"
serve_key alice

# as_client ARGS...: ssh from the client namespace with alice's key, output to $out.
out=$E2E_DIR/ssh.out
as_client() {
	timeout 150 ip netns exec "$E2E_CLI" ssh -F /dev/null -i "$SERVE_KEY" -o BatchMode=yes \
		-o UserKnownHostsFile="$E2E_KNOWN_HOSTS" -o StrictHostKeyChecking=yes \
		-o ConnectTimeout=60 "$@" </dev/null >"$out" 2>&1
}

for variant in restrict old-sshd; do
	opt=()
	[ $variant = old-sshd ] && opt=(--old-sshd)
	line=$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name alice "${opt[@]}")
	case $variant in
	restrict) assert_match "$line" '^restrict,command="' "the line" ;;
	old-sshd) assert_match "$line" '^no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty,command="' "the line" ;;
	esac
	serve_authorize "$line"

	# An interactive login, with a terminal: no pty, and pppd instead of a shell.
	as_client -tt pppuser@"$E2E_SERVER_IP" 'echo SHELL-$((6*7))'
	grep -q 'PTY allocation request failed' "$out" || fail "$variant: a pty was granted: $(cat -v "$out" | head -5)"
	! grep -q 'SHELL-42' "$out" || fail "$variant: a shell ran the client's command"
	# The same command without a terminal (-tt with stdin from /dev/null can come back
	# empty even where a shell runs it, so that check alone could not fail): the forced
	# command still answers in place of a shell.
	as_client -T pppuser@"$E2E_SERVER_IP" 'echo SHELL-$((6*7))'
	! grep -q 'SHELL-42' "$out" || fail "$variant: a shell ran the client's command (no terminal)"
	# A forward of stdio to a port, and a remote forward: both refused.
	as_client -W 127.0.0.1:22 pppuser@"$E2E_SERVER_IP" && fail "$variant: ssh -W was allowed"
	grep -qiE 'administratively prohibited|stdio forwarding failed' "$out" ||
		fail "$variant: ssh -W: unexpected: $(head -5 "$out")"
	as_client -N -o ExitOnForwardFailure=yes -R 0:127.0.0.1:22 pppuser@"$E2E_SERVER_IP" &&
		fail "$variant: ssh -R was allowed"
	grep -qi 'remote port forwarding failed' "$out" ||
		fail "$variant: ssh -R: unexpected: $(head -5 "$out")"
	note "$variant: no shell, no pty, no forwarding"
done
