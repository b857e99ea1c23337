#!/bin/bash
# A descriptor open when `sshdial call` starts does not reach its children:
# a file only root may read, open on descriptor 7 of the starting shell, is in neither
# ssh (the unprivileged local-user) nor pppd. (OpenSSH's ssh closes what it inherits
# itself; pppd and a pty command's shell do not.)
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

secret=$E2E_DIR/root-only
(umask 077 && echo "root's eyes only" >"$secret") || fail "cannot write $secret"

peer_file e2e-fds "route 10.99.0.0/24"
exec 7<"$secret"
call_start e2e-fds
exec 7<&-
call_wait_up 120
# The check can fail only if sshdial itself was given the descriptor.
assert_eq "$(readlink "/proc/$CALL_PID/fd/7")" "$secret" "sshdial's descriptor 7"

checked=0
for comm in ssh pppd; do
	for pid in $(cli_pids "$comm"); do
		fds=$(cd "/proc/$pid/fd" && for fd in *; do printf '%s->%s ' "$fd" "$(readlink "$fd")"; done)
		note "$comm ($pid): $fds"
		case " $fds" in *"->$secret "*) fail "$comm (pid $pid) holds $secret: $fds" ;; esac
		checked=$((checked + 1))
	done
done
[ "$checked" -ge 2 ] || fail "found $checked ssh and pppd processes, not both"
call_stop
assert_eq "$CALL_RC" 0 "exit status after SIGTERM"
