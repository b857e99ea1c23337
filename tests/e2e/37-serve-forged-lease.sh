#!/bin/bash
# Server: leases cannot be forged. Any account of group dip may run pppd with the
# server's options file and any ipparam; the root hook gives a link a key's site routes
# only when the lease of its address is held by that very pppd, run by a serve account
# (group sshdial-serve). Forgeries tried here, while an honest key's link is up:
#   A. mallory (group dip only) writes "office PID" into office's lease file, holds its
#      lock into pppd (exec) and runs pppd with office's address and ipparam;
#   B. the lease names office and is locked by a process that is not the link's pppd
#      (`flock FILE sleep`, as the issue did it; run as pppuser, which may write leases),
#      while a pppd of pppuser claims office's address and ipparam.
# Office's routes must not appear, and the honest link keeps working.  (33 shows that an
# honest link of a fixed-address key gets its routes; 38, that serve ends no process
# that a forged lease names.)
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh

serve_setup "key home" "route 10.66.0.0/24" \
	"key office" "address 192.168.77.10" "route 10.55.0.0/24"
office_lease=$SERVE_LEASES/192.168.77.10

# mallory: a second local account in group dip (and not in sshdial-serve), made as
# lib.sh makes pppuser; the account files are bind-mounted copies, written in place.
mallory_home=$E2E_DIR/home/mallory
muid=$(_e2e_free_ids 1)
pppd_group=$(stat -c %G /usr/sbin/pppd)
[ "$pppd_group" = root ] && pppd_group=dip
group=$(awk -F: -v OFS=: -v g="$pppd_group" '$1 == g { $4 = $4 ",mallory" } { print }' /etc/group) &&
	printf '%s\nmallory:x:%s:\n' "$group" "$muid" >/etc/group &&
	echo "mallory:x:$muid:$muid:forger:$mallory_home:/bin/bash" >>/etc/passwd ||
	fail "cannot add the account mallory"
[ ! -f /etc/shadow ] || echo "mallory:*:$(($(date +%s) / 86400)):0:99999:7:::" >>/etc/shadow ||
	fail "cannot add mallory to /etc/shadow"
id -nG mallory | grep -qw "$pppd_group" || fail "mallory is not in group $pppd_group: $(id mallory)"

# forge.sh lock|nolock ADDR KEY: what a local account can do by hand, as the forced
# command of its own key: forge the lease (lock) and run pppd claiming KEY.
forge_log=$E2E_DIR/log/forge.log
install -m 666 /dev/null "$forge_log" && e2e_log "$forge_log" || fail "cannot create $forge_log"
cat >"$E2E_DIR/forge.sh" <<EOF
#!/bin/bash
lease=$SERVE_LEASES/\$2
if [ "\$1" = lock ]; then
	if (: 9<>"\$lease") 2>>"$forge_log"; then
		exec 9<>"\$lease"
		flock -xn 9 && echo "\$3 \$\$" >&9 && echo "\$(id -un): forged \$lease" >>"$forge_log"
	else
		echo "\$(id -un): cannot forge \$lease" >>"$forge_log"
	fi
fi
exec /usr/sbin/pppd call sshdial-serve-noauth notty nodetach $E2E_TUN_SERVER:\$2 \\
	lcp-echo-interval 1 lcp-echo-failure 3 ipparam \$3
EOF
chmod 755 "$E2E_DIR/forge.sh" || fail "cannot write forge.sh"

serve_key home
home_key=$SERVE_KEY
serve_key mallory
mallory_key=$SERVE_KEY
serve_key pppforge
pppforge_key=$SERVE_KEY
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$home_key.pub" --name home)" \
	"command=\"$E2E_DIR/forge.sh nolock 192.168.77.10 office\" $(cat "$pppforge_key.pub")"
mkdir -p "$mallory_home/.ssh" &&
	echo "command=\"$E2E_DIR/forge.sh lock 192.168.77.10 office\" $(cat "$mallory_key.pub")" \
		>"$mallory_home/.ssh/authorized_keys" &&
	chmod 755 "$mallory_home" && chmod 700 "$mallory_home/.ssh" &&
	chown -R mallory:mallory "$mallory_home" || fail "cannot set up mallory's home"

serve_peer home "$home_key"
serve_peer mallory "$mallory_key" # ssh-user is set below
sed -i 's/^ssh-user .*/ssh-user mallory/' "$E2E_PEERS/mallory" || fail "cannot edit peer mallory"
serve_peer pppforge "$pppforge_key"
in_cli ip addr add 10.55.0.1/24 dev lo
in_cli ip addr add 10.66.0.1/24 dev lo

# no_office_routes WHAT: office's site routes are not on the server.
no_office_routes() {
	[ -z "$(ip -n "$E2E_SRV" route show 10.55.0.0/24)" ] ||
		fail "$1: office's site route is on the server: $(ip -n "$E2E_SRV" route show 10.55.0.0/24)"
}
# home_works WHAT: the honest link is up, with its route, and carries traffic.
home_works() {
	CALL_PID=$home_pid call_running || fail "$1: home's sshdial ended"
	assert_match "$(ip -n "$E2E_SRV" route show 10.66.0.0/24)" "^10\.66\.0\.0/24 dev $home_dev " "$1: home's route"
	in_srv ping -c 1 -W 5 10.66.0.1 >/dev/null || fail "$1: no traffic through home's link"
}

# ip_up_over: no ip-up script (pppd's /etc/ppp/ip-up, run-parts of ip-up.d, the server's
# hook under them) runs on the server: whatever a link's hook would do, it has done.
ip_up_running() { ip netns pids "$E2E_SRV" | xargs -r ps -o args= -p 2>/dev/null | grep -q 'ip-up'; }
ip_up_over() { ! ip_up_running; }

# A: mallory forges office's lease and holds its lock into his pppd, while home's honest
# link comes up.
call_start home
home_pid=$CALL_PID home_log=$CALL_LOG
call_start mallory
mallory_pid=$CALL_PID mallory_log=$CALL_LOG
CALL_LOG=$home_log call_wait_up 90
home_dev=$(serve_ppp_of 192.168.77.254)
[ -n "$home_dev" ] || fail "the server has no ppp device for home (pool 192.168.77.254)"
wait_for 90 sh -c "ip -n $E2E_SRV route show 10.66.0.0/24 | grep -q ." || fail "home's route did not appear"
home_works "honest link"
note "home is up on $home_dev"
CALL_LOG=$mallory_log call_wait_up 90
grep -q "^mallory: cannot forge $office_lease" "$forge_log" ||
	fail "mallory could write office's lease: $(cat "$forge_log")"
wait_for 90 grep -q "key office: .*: 192.168.77.10 is not leased to this key by this link's pppd" "$SERVE_LOG" ||
	fail "A: the hook did not refuse mallory's link"
wait_for 90 ip_up_over || fail "A: the server's ip-up did not end"
no_office_routes A
home_works A
CALL_PID=$mallory_pid call_stop
note "A: mallory's forged link got no routes"

# B: office's lease names office and is locked by `flock ... sleep` of pppuser.
echo "office 1" >"$office_lease" && chown pppuser "$office_lease" || fail "cannot write $office_lease"
# (-o: the lock stays with flock itself, so that ending flock frees it.)
ip netns exec "$E2E_SRV" setpriv --reuid=pppuser --regid=pppuser --init-groups \
	flock -o -x "$office_lease" sleep 600 &
flock_pid=$!
wait_for 90 sh -c "! flock -xn '$office_lease' true" || fail "the forged lock is not held"
call_start pppforge
call_wait_up 90
wait_for 90 grep -q "key office: .*: 192.168.77.10 is not leased to this key by this link's pppd (pid [0-9]*): another process holds the lease" "$SERVE_LOG" ||
	fail "B: the hook did not refuse the link whose pppd does not hold the lease"
wait_for 90 ip_up_over || fail "B: the server's ip-up did not end"
no_office_routes B
home_works B
call_stop
note "B: a lease locked by another process gave no routes"

kill "$flock_pid"
wait "$flock_pid" 2>/dev/null
CALL_PID=$home_pid CALL_LOG=$home_log call_stop
assert_eq "$CALL_RC" 0 "home's exit status"
