#!/bin/bash
# up-script and down-script: the up-script runs once the link's routes
# and DNS are in, with every SSHDIAL_* variable true of the real link (interface and
# addresses as `ip addr` shows them, the server, the DNS offered); the down-script runs
# after down, once the routes and DNS are gone, and `call` waits for it before it exits.
# A failing up-script is logged with its status and first line of stderr and leaves the
# link up.  A script others could change is refused by check at its line.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/resolver.sh

resolver_private_etc
printf 'nameserver 10.77.0.53\n' >/etc/resolv.conf
chmod 0644 /etc/resolv.conf
in_srv ip addr add 10.99.0.1/24 dev lo

hooks=$E2E_DIR/hooks out=$E2E_DIR/hook-out
mkdir -m 755 "$hooks" "$out" || fail "cannot make the hook directories"
# What each saw, and when: the route and the resolver at the time it ran.
for ev in up down; do
	cat >"$hooks/$ev" <<EOS
#!/bin/sh
env | sort >$out/$ev.env
ip route show 10.99.0.0/24 >$out/$ev.route
grep '^nameserver' /etc/resolv.conf >$out/$ev.resolv
EOS
done
# The down-script takes a while: call must wait for it, not kill it on its way out.
printf 'sleep 3\necho finished >%s/down.done\n' "$out" >>"$hooks/down"
printf '#!/bin/sh\necho "hook-82 broke: no such thing" >&2\necho second line >&2\nexit 1\n' \
	>"$hooks/fail"
chmod 755 "$hooks/up" "$hooks/down" "$hooks/fail"

# --- refused: a script group or others could change runs as root ---
install -m 775 "$hooks/up" "$hooks/open-up"
peer_file e2e-hookbad "up-script $hooks/open-up"
line=$(grep -n '^up-script' "$E2E_PEERS/e2e-hookbad" | cut -d: -f1)
msg=$("$SSHDIAL" check --peers-dir "$E2E_PEERS" e2e-hookbad 2>&1) && fail "check accepted a group-writable up-script"
assert_match "$msg" "$E2E_PEERS/e2e-hookbad:$line: up-script: .*open-up.*\(the script runs as root\)"

# --- the environment against the real link ---
peer_file e2e-hooks "route 10.99.0.0/24" "dns yes" "up-script $hooks/up" "down-script $hooks/down"
"$SSHDIAL" check --peers-dir "$E2E_PEERS" e2e-hooks >/dev/null || fail "check refuses the hooks peer"
call_start e2e-hooks
call_wait_up
wait_for 60 grep -q "e2e-hooks: up-script $hooks/up done" "$CALL_LOG" ||
	fail "the up-script did not report done"
# Started once the routes and DNS were in: what it saw below could also come from a script
# that started early but ran late, so the order of sshdial's own lines decides.
up_at=$(grep -n 'e2e-hooks: up after ' "$CALL_LOG" | head -n 1 | cut -d: -f1)
started_at=$(grep -n "e2e-hooks: up-script $hooks/up started" "$CALL_LOG" | head -n 1 | cut -d: -f1)
[ -n "$started_at" ] || fail "no line for the up-script's start"
[ "$started_at" -gt "$up_at" ] || fail "the up-script started (line $started_at) before the link was up (line $up_at)"
dev=$(ip -n "$E2E_CLI" -o -4 addr show | awk '$4 == "'"$E2E_TUN_CLIENT"'" { print $2 }')
[ -n "$dev" ] || fail "no interface holds $E2E_TUN_CLIENT"
peer=$(ip -n "$E2E_CLI" -o -4 addr show dev "$dev" | awk '{ for (i = 1; i < NF; i++) if ($i == "peer") print $(i + 1) }')
peer=${peer%/*}
[ -n "$peer" ] || fail "no peer address on $dev"
# Everything but what sh adds itself (PWD, SHLVL, _), exactly.
got=$(grep -Ev '^(PWD|SHLVL|_|OLDPWD)=' "$out/up.env")
want=$(LC_ALL=C sort <<EOV
SSHDIAL_EVENT=up
SSHDIAL_PEER=e2e-hooks
SSHDIAL_INTERFACE=$dev
IFNAME=$dev
SSHDIAL_LOCAL_ADDR=$E2E_TUN_CLIENT
SSHDIAL_PEER_ADDR=$peer
SSHDIAL_SERVER=$E2E_SERVER_IP
SSHDIAL_DNS=$E2E_TUN_SERVER
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LC_ALL=C
EOV
)
assert_eq "$got" "$want" "the up-script's environment"
assert_eq "$peer" "$E2E_TUN_SERVER" "the peer address ip addr shows"
assert_match "$(cat "$out/up.route")" "^10\.99\.0\.0/24 dev $dev "
assert_eq "$(cat "$out/up.resolv")" "nameserver $E2E_TUN_SERVER" "the resolver the up-script saw"
[ ! -e "$out/down.env" ] || fail "the down-script ran while the link was up"

call_stop
assert_eq "$CALL_RC" 0
[ -e "$out/down.done" ] || fail "call exited before its down-script had finished (or killed it)"
got=$(grep -Ev '^(PWD|SHLVL|_|OLDPWD)=' "$out/down.env")
assert_eq "$got" "$(sed 's/^SSHDIAL_EVENT=up$/SSHDIAL_EVENT=down/' <<<"$want" | LC_ALL=C sort)" \
	"the down-script's environment"
assert_eq "$(cat "$out/down.route")" "" "the route when the down-script ran (removed before)"
assert_eq "$(cat "$out/down.resolv")" "nameserver 10.77.0.53" "the resolver the down-script saw"
grep -q "e2e-hooks: down-script $hooks/down done" "$CALL_LOG" || fail "no line for the down-script"
assert_nothing_left e2e-hooks

# --- a failing up-script: logged, the link stays up ---
peer_file e2e-hookfail "route 10.99.0.0/24" "up-script $hooks/fail"
call_start e2e-hookfail
call_wait_up
wait_for 60 grep -qF "e2e-hookfail: up-script $hooks/fail exited with status 1: hook-82 broke: no such thing; the link is not affected" "$CALL_LOG" ||
	fail "no warning naming the peer, the script, its status and its first line of stderr"
in_cli ping -c 2 -W 5 10.99.0.1 >/dev/null || fail "the link is not up after its up-script failed"
call_running || fail "call ended after its up-script failed"
! grep -q 'link down' "$CALL_LOG" || fail "the failing up-script took the link down"
call_stop
assert_eq "$CALL_RC" 0
assert_nothing_left e2e-hookfail
