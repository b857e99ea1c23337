#!/bin/bash
# A forward-only peer is up only when its ssh master connection is:
# with a key the server refuses, `sshdial up` fails (status 2) quoting ssh's reason, and
# the daemon never says the peer came up. The local user's own ~/.ssh/config asks for
# LogLevel QUIET, which silences ssh's control clients and once made sshdial take their
# failure for the master's answer ("up after 0.0 s: forwards only").
# And `host` with shell metacharacters fails `check` with file:line (the jump-host rule).
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/forward.sh
. tests/e2e/daemon.sh

install -o dialer -g dialer -m 600 /dev/null "$E2E_DIALER_HOME/.ssh/config" &&
	echo 'LogLevel QUIET' >"$E2E_DIALER_HOME/.ssh/config" || fail "cannot write dialer's ssh config"
# A key of the dialer's that pppuser's authorized_keys does not hold.
serve_key stranger
fwd_peer e2e-fo "link no" "forward local 1110 127.0.0.1:110"

daemon_start
out=$E2E_DIR/up.out
ctl up --timeout 150 e2e-fo >"$out" 2>&1
rc=$?
note "sshdial up: exit $rc: $(cat "$out")"
assert_eq "$rc" 2 "sshdial up's exit status for a forward-only peer whose ssh is refused"
grep -q 'Permission denied' "$out" || fail "sshdial up does not quote ssh: $(cat "$out")"
grep -q 'e2e-fo: up after\|forwards only' "$DAEMON_LOG" &&
	fail "the daemon said the peer came up: $(grep -m1 'up after' "$DAEMON_LOG")"
[ "$(field e2e-fo state)" != up ] || fail "status says up"
daemon_stop

# host with a command substitution (no space: a host value is one word): refused with
# file:line, and nothing is run.
host='db$(touch${IFS}/tmp/sshdial-e2e-x).internal'
peer_file e2e-host "host $host"
sed -i '0,/^host /{/^host /d}' "$E2E_PEERS/e2e-host"
line=$(grep -n '^host ' "$E2E_PEERS/e2e-host" | cut -d: -f1)
in_cli "$SSHDIAL" check --peers-dir "$E2E_PEERS" e2e-host >"$out" 2>&1
assert_eq "$?" 1 "sshdial check's exit status for host $host"
grep -qF "e2e-host:$line: host: '$host' is not a host name" "$out" ||
	fail "check does not name the host line: $(cat "$out")"
[ ! -e /tmp/sshdial-e2e-x ] || fail "the command substitution ran"
