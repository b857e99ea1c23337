#!/bin/bash
# What the server's command prints on stderr reaches sshdial on ssh's stderr,
# but it is not ssh speaking: a forced command that prints ssh's own words for a failed
# host key and a refused login, then runs the server's pppd, brings the link up, and when
# the link later breaks sshdial dials again instead of giving up for good.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

spoof=$E2E_PPPUSER_HOME/ppp-spoof
{
	echo '#!/bin/sh'
	echo 'echo "Host key verification failed." >&2'
	echo "echo \"pppuser@$E2E_SERVER_IP: Permission denied (publickey).\" >&2"
	echo "exec $E2E_PPPD_SERVER_CMD"
} >"$spoof" && chown pppuser:pppuser "$spoof" && chmod 755 "$spoof" || fail "cannot write $spoof"
e2e_authorize "command=\"'$spoof'\",no-pty,no-agent-forwarding,no-X11-forwarding $E2E_DIALER_PUBKEY"

peer_file e2e-spoof "route 10.99.0.0/24"
call_start e2e-spoof
call_wait_up 120
note "up after ${CALL_UP_AFTER}s despite the server's lines"
grep -q 'ssh: Host key verification failed\.$' "$CALL_LOG" ||
	fail "the server's lines did not reach sshdial's log (the scenario tests nothing)"
ping_through "$E2E_TUN_SERVER"

# The link breaks (its ssh dies): a transient failure, so sshdial dials again.
ssh_pid=$(cli_pids ssh)
[ -n "$ssh_pid" ] || fail "no ssh process in the client namespace"
kill -KILL "$ssh_pid"
call_wait_up_n 2 120
call_running || fail "sshdial ended (status 2 would mean: the server's lines were taken as ssh's)"
assert_eq "$(call_count 'sshdial: error: ')" 0 "error lines"
ping_through "$E2E_TUN_SERVER"
call_stop
assert_eq "$CALL_RC" 0 "exit status after SIGTERM"
assert_nothing_left e2e-spoof
