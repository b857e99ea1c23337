#!/bin/bash
# Server: what others may leave in the lease directory or as the log-file does not stop
# the server, nor turn it against a connection.
#   - A lease file the serve account cannot open (here root's, mode 600, at the pool's
#     first address) costs that address only: a pool key still connects, with the next.
#   - A log-file that is a FIFO nobody reads: neither serve nor pppd nor the root hook
#     waits for a reader. Each says so (serve to the client, the hook on its stderr) and
#     logs to syslog only; the link comes up with its routes.
#   - A forged lease of a fixed address that names another link's pppd, locked by some
#     other process: when the address's key connects, serve (which ends a stale
#     connection of the same key) must not end the pppd the file names.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh

keys=("key home" "route 10.66.0.0/24" "key office" "address 192.168.77.10")
serve_setup "${keys[@]}"
install -o root -g root -m 600 /dev/null "$SERVE_LEASES/192.168.77.254" ||
	fail "cannot create an unreadable lease file"
# The FIFO is not SERVE_LOG, which the teardown prints (and would wait on).
fifo=$E2E_DIR/log/fifo.log
mkfifo -m 660 "$fifo" && chown pppuser:pppuser "$fifo" || fail "cannot make $fifo"
SERVE_LOG=$fifo serve_conf "${keys[@]}"
grep -q "^log-file $fifo\$" "$SERVE_CONF" || fail "server.conf does not name the FIFO"
serve_key home
serve_peer home "$SERVE_KEY"
home_line=$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name home)
serve_key office
serve_peer office "$SERVE_KEY"
serve_authorize "$home_line" "$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name office)"
in_cli ip addr add 10.66.0.1/24 dev lo

# The root hook by hand, on a terminal so that it logs to stderr: it returns at once.
t0=$(date +%s)
out=$(timeout 30 script -qec "'$SSHDIAL' serve-hook ip-up ppp9 /dev/null 0 $E2E_TUN_SERVER 192.168.77.9 home" /dev/null)
rc=$?
[ "$rc" != 124 ] || fail "the hook hung on the FIFO log-file"
assert_match "$out" "log-file $fifo \(/etc/sshdial/server.conf\): it is a FIFO, not a plain file; the hook logs to syslog only" "the hook's message"
note "the hook returned in $(($(date +%s) - t0)) s with: $(echo "$out" | head -n1)"

call_start home
call_wait_up 90
grep -q ': up after .* 192\.168\.77\.253 peer 192\.168\.77\.1,' "$CALL_LOG" ||
	fail "home did not get 192.168.77.253: $(grep 'up after' "$CALL_LOG")"
grep -qF "sshdial serve: log-file $fifo: it is a FIFO, not a plain file; logging to syslog only" "$CALL_LOG" ||
	fail "serve did not tell the client about the FIFO log-file"
dev=$(serve_ppp_of 192.168.77.253)
[ -n "$dev" ] || fail "the server has no ppp device for home"
wait_for 90 sh -c "ip -n $E2E_SRV route show 10.66.0.0/24 | grep -q 'dev $dev'" ||
	fail "the hook did not add home's route: $(ip -n "$E2E_SRV" route)"
in_srv ping -c 1 -W 5 10.66.0.1 >/dev/null || fail "no traffic to home's site"
[ -p "$fifo" ] || fail "the FIFO was replaced"
home_pid=$CALL_PID home_log=$CALL_LOG
note "home is up on $dev"

# Office's lease names home's pppd (the one holding home's lease: serve's pid, which
# exec keeps) and is locked by another process of pppuser. (-o: the lock stays with
# flock itself, so that ending flock frees it.)
home_pppd=$(pgrep -o -f "^/usr/sbin/pppd .* ipparam home$")
[ -n "$home_pppd" ] || fail "cannot find home's pppd"
office_lease=$SERVE_LEASES/192.168.77.10
echo "office $home_pppd" >"$office_lease" && chown pppuser "$office_lease" || fail "cannot write $office_lease"
ip netns exec "$E2E_SRV" setpriv --reuid=pppuser --regid=pppuser --init-groups \
	flock -o -x "$office_lease" sleep 600 &
flock_pid=$!
wait_for 90 sh -c "! flock -xn '$office_lease' true" || fail "the forged lock is not held"
call_start office
wait_for 60 grep -q "address 192.168.77.10 is in use by key office $home_pppd" "$CALL_LOG" ||
	fail "office was not refused while the forged lock is held"
call_stop
kill -0 "$home_pppd" 2>/dev/null || fail "serve ended home's pppd, which a forged lease names"
CALL_PID=$home_pid call_running || fail "home's sshdial ended"
in_srv ping -c 1 -W 5 10.66.0.1 >/dev/null || fail "no traffic through home's link any more"
note "home's pppd survived a forged lease naming it"
kill "$flock_pid"
wait "$flock_pid" 2>/dev/null

CALL_PID=$home_pid CALL_LOG=$home_log call_stop
assert_eq "$CALL_RC" 0
