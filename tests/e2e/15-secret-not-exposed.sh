#!/bin/bash
# (f) While the link is up, the PAP secret appears in no process's argv or environment.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh

# The pattern goes in a file: on grep's command line it would find itself.
pattern="$E2E_DIR/secret.pattern"
printf '%s\n' "$E2E_PAP_SECRET" >"$pattern"
export -n E2E_PAP_SECRET
peer_file e2e-secret
call_start e2e-secret
call_wait_up
pppd=$(ip netns pids "$E2E_CLI" | xargs -r ps -o pid=,comm= -p | awk '$2 == "pppd" { print $1 }')
[ -n "$pppd" ] || fail "no pppd running while the link is up"
tr '\0' ' ' <"/proc/$pppd/cmdline" | grep -q passwordfd || fail "pppd was not given passwordfd"
exposed=$(grep -l -a -F -f "$pattern" /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null || true)
[ -z "$exposed" ] || fail "the secret is exposed in: $exposed"
call_stop
assert_eq "$CALL_RC" 0
