# shellcheck shell=bash disable=SC2015,SC2174
# (SC2015: "a && b || fail" means: fail if either fails.)
# lib.sh: the test bed every end-to-end scenario (tests/e2e/NN-name.sh) sources.
#
#	#!/usr/bin/env bash
#	. tests/e2e/lib.sh
#	e2e_setup              # first thing: it re-executes the script (see below)
#	in_cli ...; wait_for 60 ...; assert_eq ...
#
# Scenarios run as root with the checkout as working directory and exit 0 for a pass.
# e2e_setup re-executes the script inside a private mount namespace, so anything a
# scenario does before calling it happens twice. In that namespace it builds a world
# that vanishes with the script and leaves the machine as it was:
#   - tmpfs over /run (pid files, /run/netns, /run/sshd, /run/sshdial, pppd's tdb; it also
#     hides nscd, so the edited account files below are what NSS reads), and over
#     /var/lib/sshdial (mode 0755, as sshdial makes it);
#   - private copies of /etc/ppp (pap-secrets gains "pppuser * SECRET *"; the ip-up.d
#     style hook directories keep only Debian's 0000usepeerdns, so no host service is
#     restarted), /etc/passwd, /etc/group, /etc/shadow (plus two accounts) and
#     /etc/resolv.conf, bind-mounted over the originals. A bind-mounted file cannot be
#     renamed over (EBUSY): write such files in place;
#   - tmpfs over /root (or only over /root/.ssh when the checkout or $E2E_DIR is under
#     /root) holding the classic recipe's root client key and known_hosts;
#   - sshdial installed as `make install` would (root-owned, 0755) under the tmpfs /run,
#     as $E2E_SSHDIAL_INSTALLED: the server side (authorized_keys lines, `sshdial
#     authorize --install`, the server's hooks) runs that one, which pppuser can reach
#     wherever the checkout is (a build tree under /root, mode 700, it could not);
#   - accounts: pppuser (the server's PPP login: group dip, shell /bin/sh) and dialer
#     (the client's unprivileged ssh account), homes under $E2E_DIR/home;
#   - network namespaces $E2E_CLI (10.77.0.1/24) and $E2E_SRV (10.77.0.2/24) joined by a
#     veth pair named e2e0 on both sides, lo up in both;
#   - sshd (/usr/sbin/sshd, own config and host key, LogLevel VERBOSE into
#     $E2E_SSHD_LOG) listening on 10.77.0.2:22 in $E2E_SRV. pppuser's authorized_keys
#     holds the dialer's key with the forced command $E2E_PPPD_SERVER_CMD, an
#     unprivileged pppd that requires PAP and gives the client 192.168.77.2.
# Routed topology (opt-in): E2E_TOPOLOGY=routed set before e2e_setup puts a router
# namespace $E2E_RTR between the two: client 10.77.1.1/24 on e2e0 <-> rtr-cli
# 10.77.1.254/24 in $E2E_RTR, rtr-srv 10.77.2.254/24 <-> server 10.77.2.2/24 on e2e0,
# default routes via the router, forwarding on in the router only. E2E_CLIENT_IP,
# E2E_SERVER_IP, sshd's ListenAddress and both known_hosts follow. Faults in the path:
#   e2e_blackhole_on / e2e_blackhole_off: the router silently drops everything between
#     E2E_CLIENT_IP and E2E_SERVER_IP (policy rules of type blackhole: no ICMP error, no
#     RST; both ends and their routes untouched, so a TCP connection hangs);
#   e2e_router_icmp_out: ICMP messages the router has sent (Icmp OutMsgs), to check that.
# Either topology: e2e_sshd_restart kills every process in $E2E_SRV (the listening sshd,
# its sessions, the server's pppd) and starts sshd again, optionally after SECS of
# downtime (e2e_sshd_restart [SECS]).
# e2e_teardown (on EXIT, HUP, INT, PIPE, TERM) kills every process in both namespaces and the
# script's background jobs, deletes the namespaces, unmounts, removes $E2E_DIR and keeps
# the script's exit status; on failure it first prints the logs (sshd, pppd server,
# anything given to e2e_log) and the state of both namespaces.
#
# Scenarios that need build/sshdial get a clear failure when it is missing; a scenario
# that does not (00-testbed) sets E2E_NEEDS_SSHDIAL=no before e2e_setup.
#
# Variables after e2e_setup (all exported):
#   E2E_TOP          the checkout (absolute, may contain spaces); $E2E_TOP/build is
#                    prepended to PATH
#   E2E_SSHDIAL      $E2E_TOP/build/sshdial: what the client side runs
#   E2E_SSHDIAL_INSTALLED  /run/sshdial-e2e/sbin/sshdial, the same binary installed by
#                    `make install PREFIX=/run/sshdial-e2e`: what the server side runs
#   E2E_DIR          the temporary directory, under $TMPDIR when every account can
#                    reach that and its path has no spaces, else under /tmp (the test
#                    accounts' homes and keys live there); logs go to $E2E_DIR/log
#   E2E_PEERS        an empty directory for sshdial peer files (--peers-dir)
#   E2E_CLI E2E_SRV  network namespace names; E2E_IFACE=e2e0 the veth in each
#   E2E_CLIENT_IP=10.77.0.1  E2E_SERVER_IP=10.77.0.2
#   E2E_LOCAL_USER=dialer    E2E_DIALER_HOME
#   E2E_IDENTITY     dialer's private key (dialer-owned, 0600); E2E_DIALER_PUBKEY its text
#   E2E_KNOWN_HOSTS  dialer's known_hosts, with the server's key for 10.77.0.2
#   E2E_PAP_USER=pppuser     E2E_PPPUSER_HOME   E2E_AUTHORIZED_KEYS (pppuser's file)
#   E2E_PAP_SECRET   the PAP secret; E2E_PAP_FILE a root-owned 0600 file holding it
#   E2E_TUN_CLIENT=192.168.77.2  E2E_TUN_SERVER=192.168.77.1 (also offered as ms-dns)
#   E2E_PPPD_SERVER_CMD      the forced command line in authorized_keys
#   E2E_PPPD_SERVER_LOG      that pppd's logfile
#   E2E_SSHD_LOG     sshd's log
# Background processes: start them as `ip netns exec "$E2E_CLI" CMD... &`, not with
# in_cli, whose subshell would be $! instead of CMD.
# Helpers: in_cli CMD..., in_srv CMD..., wait_for SECS CMD..., fail MSG, e2e_skip WHY,
# e2e_skip WHY: the scenario cannot run here (not: does not pass); prints "SKIP: WHY" and
# exits 77, which tests/e2e/run counts as skipped, naming WHY.
e2e_skip() {
	echo "SKIP: $*"
	exit 77
}

# assert_eq ACTUAL EXPECTED [WHAT], assert_match ACTUAL ERE [WHAT], note MSG,
# e2e_log FILE, e2e_authorize LINE..., e2e_procs NS.

E2E_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
# The script's own arguments, for the re-execution in e2e_setup.
_e2e_args=("$@")
_e2e_mounts=()
_e2e_logs=()
_e2e_t0=$(date +%s%N)

# --- helpers ---------------------------------------------------------------------------

note() {
	local ms=$((($(date +%s%N) - _e2e_t0) / 1000000))
	printf '[%3d.%01ds] %s\n' $((ms / 1000)) $((ms % 1000 / 100)) "$*"
}

# Prints "FAIL: MSG" and ends the scenario (in a subshell, only the subshell).
fail() {
	echo "FAIL: $*"
	exit 1
}

# assert_eq ACTUAL EXPECTED [WHAT]
assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: expected '$2', got '$1'"
}

# assert_match ACTUAL ERE [WHAT]
assert_match() {
	[[ $1 =~ $2 ]] || fail "${3:-value}: '$1' does not match /$2/"
}

in_cli() { ip netns exec "$E2E_CLI" "$@"; }
in_srv() { ip netns exec "$E2E_SRV" "$@"; }

# wait_for SECS CMD...: run CMD (output discarded) every 0.2 s until it succeeds;
# returns 1 if it has not within SECS. Be generous: emulation (TCG) is slow.
wait_for() {
	local end=$(($(date +%s%N) + $1 * 1000000000))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(date +%s%N)" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# e2e_log FILE: print FILE's tail if the scenario fails.
e2e_log() { _e2e_logs+=("$1"); }

# e2e_procs NS: "PID COMM COMMAND-LINE" of every process in network namespace NS.
e2e_procs() {
	local p
	for p in $(ip netns pids "$1" 2>/dev/null); do
		printf '%s %s %s\n' "$p" "$(cat "/proc/$p/comm" 2>/dev/null)" \
			"$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
	done
}

# e2e_authorize LINE...: replace pppuser's authorized_keys with these lines.
e2e_authorize() {
	printf '%s\n' "$@" >"$E2E_AUTHORIZED_KEYS" &&
		chown pppuser:pppuser "$E2E_AUTHORIZED_KEYS" &&
		chmod 600 "$E2E_AUTHORIZED_KEYS" || fail "cannot write $E2E_AUTHORIZED_KEYS"
}

# --- setup -------------------------------------------------------------------------------

_e2e_mount() {
	mount "$@" || fail "mount $* failed"
	_e2e_mounts+=("${*: -1}")
}

# _e2e_umount TARGET: undoes the mount _e2e_mount made on TARGET before the clean-up does
# (which then leaves it alone).
_e2e_umount() {
	umount "$1" || fail "cannot unmount $1"
	local i
	for i in "${!_e2e_mounts[@]}"; do
		[ "${_e2e_mounts[i]}" = "$1" ] && unset '_e2e_mounts[i]'
	done
	_e2e_mounts=("${_e2e_mounts[@]}") # the clean-up counts them down by index
}

# _e2e_private_copy FILE: bind-mount a copy of FILE (same owner and mode) over it; the
# copy's path is left in _e2e_copy for the caller to edit in place.
_e2e_private_copy() {
	_e2e_copy=$E2E_DIR/etc/${1##*/}
	cp -p "$1" "$_e2e_copy" || fail "cannot copy $1"
	_e2e_mount --bind "$_e2e_copy" "$1"
}

# _e2e_free_ids N: the N lowest ids from 61000 up used by no account and no group.
_e2e_free_ids() {
	awk -F: -v n="$1" '{ used[$3] = 1 }
		END { for (id = 61000; n > 0; id++) if (!(id in used)) { print id; n-- } }' \
		/etc/passwd /etc/group
}

_e2e_accounts() {
	local puid duid xgid pppd_group passwd group shadow today
	pppd_group=$(stat -c %G /usr/sbin/pppd)
	[ "$pppd_group" = root ] && pppd_group=dip
	# Each account's group has the account's id; xgid is for a missing dip group.
	{ read -r puid && read -r duid && read -r xgid; } <<<"$(_e2e_free_ids 3)"
	today=$(($(date +%s) / 86400))
	E2E_PPPUSER_HOME=$E2E_DIR/home/pppuser
	E2E_DIALER_HOME=$E2E_DIR/home/dialer

	_e2e_private_copy /etc/passwd
	passwd=$_e2e_copy
	_e2e_private_copy /etc/group
	group=$_e2e_copy
	{
		grep -v -e '^pppuser:' -e '^dialer:' /etc/passwd
		echo "pppuser:x:$puid:$puid:sshdial e2e PPP login:$E2E_PPPUSER_HOME:/bin/sh"
		echo "dialer:x:$duid:$duid:sshdial e2e dialer:$E2E_DIALER_HOME:/bin/sh"
	} >"$E2E_DIR/passwd.new" && cat "$E2E_DIR/passwd.new" >"$passwd" ||
		fail "cannot edit the passwd copy"
	{
		grep -v -e '^pppuser:' -e '^dialer:' /etc/group |
			awk -F: -v OFS=: -v g="$pppd_group" \
				'$1 == g { $4 = ($4 == "" ? "pppuser" : $4 ",pppuser") } { print }'
		grep -q "^$pppd_group:" /etc/group || echo "$pppd_group:x:$xgid:pppuser"
		echo "pppuser:x:$puid:"
		echo "dialer:x:$duid:"
	} >"$E2E_DIR/group.new" && cat "$E2E_DIR/group.new" >"$group" ||
		fail "cannot edit the group copy"
	if [ -f /etc/shadow ]; then
		_e2e_private_copy /etc/shadow
		shadow=$_e2e_copy
		# "*": no password, but not locked ("!"), which sshd would refuse.
		{
			grep -v -e '^pppuser:' -e '^dialer:' /etc/shadow
			echo "pppuser:*:$today:0:99999:7:::"
			echo "dialer:*:$today:0:99999:7:::"
		} >"$E2E_DIR/shadow.new" && cat "$E2E_DIR/shadow.new" >"$shadow" ||
			fail "cannot edit the shadow copy"
	fi
	rm -f "$E2E_DIR"/*.new
	id pppuser >/dev/null 2>&1 || fail "the account pppuser is not visible after editing /etc/passwd"

	# sshd's StrictModes wants homes and .ssh owned by their user, not group-writable.
	mkdir -p "$E2E_PPPUSER_HOME/.ssh" "$E2E_DIALER_HOME/.ssh" &&
		chmod 755 "$E2E_DIR/home" "$E2E_PPPUSER_HOME" "$E2E_DIALER_HOME" &&
		chmod 700 "$E2E_PPPUSER_HOME/.ssh" "$E2E_DIALER_HOME/.ssh" || fail "cannot create the homes"
	ssh-keygen -q -t ed25519 -N '' -C dialer@sshdial-e2e -f "$E2E_DIALER_HOME/.ssh/id_ed25519" ||
		fail "ssh-keygen failed"
	E2E_IDENTITY=$E2E_DIALER_HOME/.ssh/id_ed25519
	E2E_DIALER_PUBKEY=$(cat "$E2E_IDENTITY.pub")
	E2E_KNOWN_HOSTS=$E2E_DIALER_HOME/.ssh/known_hosts
	E2E_AUTHORIZED_KEYS=$E2E_PPPUSER_HOME/.ssh/authorized_keys
	echo "$E2E_SERVER_IP $(cut -d' ' -f1,2 "$E2E_DIR/sshd/ssh_host_ed25519_key.pub")" >"$E2E_KNOWN_HOSTS"
	chown -R pppuser:pppuser "$E2E_PPPUSER_HOME" && chown -R dialer:dialer "$E2E_DIALER_HOME" ||
		fail "cannot chown the homes"
}

_e2e_root_ssh() {
	local dir=/root
	# A tmpfs over /root would hide a checkout or a test directory there.
	case $E2E_TOP/ in /root/*) dir=/root/.ssh ;; esac
	case $E2E_DIR/ in /root/*) dir=/root/.ssh ;; esac
	mkdir -p -m 700 "$dir" || fail "cannot create $dir"
	_e2e_mount -t tmpfs -o mode=0700 e2e-root "$dir"
	mkdir -p -m 700 /root/.ssh &&
		cp "$E2E_IDENTITY" "$E2E_IDENTITY.pub" /root/.ssh/ &&
		cp "$E2E_KNOWN_HOSTS" /root/.ssh/known_hosts &&
		chown root:root /root/.ssh/* && chmod 600 /root/.ssh/id_ed25519 ||
		fail "cannot set up /root/.ssh"
}

# _e2e_tmp_base: where E2E_DIR goes. pppuser and dialer must reach their homes, keys and
# logs in it (sshd's StrictModes and pppd's logfile check as them), and its paths end up
# unquoted in peer files and pppd options: $TMPDIR when "nobody" can search it and it has
# no spaces, else /tmp.
_e2e_tmp_base() {
	local t=${TMPDIR:-/tmp}
	case $t in
	/*[[:space:]]* | /*[\'\"]*) t=/tmp ;;
	/*) setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$t" -a -w "$t" 2>/dev/null ||
		t=/tmp ;;
	*) t=/tmp ;;
	esac
	echo "$t"
}

# _e2e_install: the server side runs sshdial from where a user's `sudo make install` would
# put it (root-owned, mode 0755), never from the build tree, which the server's account
# may not reach (a checkout under /root). The prefix is on the test bed's own /run.
_e2e_install() {
	local prefix=/run/sshdial-e2e log=$E2E_DIR/log/make-install.log
	E2E_SSHDIAL_INSTALLED=$prefix/sbin/sshdial
	[ "${E2E_NEEDS_SSHDIAL:-yes}" != no ] || return 0
	# In a VM, make install (4 s there) runs for the VM's first scenario; the later ones
	# copy what it installed, while the binary is the same. The guest's /tmp goes with it.
	local cache=/tmp/sshdial-e2e-install stamp
	stamp=$(stat -c '%i %s %Y' "$E2E_TOP/build/sshdial" 2>/dev/null)
	if [ "${E2E_IN_VM:-}" = 1 ] && [ -n "$stamp" ] && [ "$(cat "$cache.stamp" 2>/dev/null)" = "$stamp" ]; then
		mkdir -p "$prefix" && cp -a "$cache/." "$prefix/" || fail "cannot copy $cache to $prefix"
	else
		command -v make >/dev/null || fail "make not found: run make deps"
		# -o: install the binary as it is, never rebuild it here.
		env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s --no-print-directory -C "$E2E_TOP" \
			-o build/sshdial install PREFIX="$prefix" SYSCONFDIR="$prefix/etc" >"$log" 2>&1 ||
			fail "make install PREFIX=$prefix failed: $(cat "$log")"
		if [ "${E2E_IN_VM:-}" = 1 ] && [ -n "$stamp" ]; then
			rm -rf "$cache" && cp -a "$prefix" "$cache" && echo "$stamp" >"$cache.stamp" ||
				fail "cannot keep a copy of the installed tree in $cache"
		fi
	fi
	[ -x "$E2E_SSHDIAL_INSTALLED" ] || fail "make install did not install $E2E_SSHDIAL_INSTALLED"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$E2E_SSHDIAL_INSTALLED" --version \
		>/dev/null 2>&1 || fail "$E2E_SSHDIAL_INSTALLED cannot be run by other accounts"
}

_e2e_ppp() {
	local copy d f
	[ -d /etc/ppp ] || fail "/etc/ppp is missing: install ppp"
	copy=$E2E_DIR/etc/ppp
	cp -a /etc/ppp "$copy" || fail "cannot copy /etc/ppp"
	for d in "$copy"/ip-up.d "$copy"/ip-down.d "$copy"/ip-pre-up.d "$copy"/ipv6-up.d "$copy"/ipv6-down.d; do
		[ -d "$d" ] || continue
		for f in "$d"/*; do
			[ -e "$f" ] && [ "${f##*/}" != 0000usepeerdns ] && rm -rf "$f"
		done
	done
	{
		[ -f /etc/ppp/pap-secrets ] && grep -v '^[[:space:]]*"\{0,1\}pppuser"\{0,1\}[[:space:]]' /etc/ppp/pap-secrets
		echo "pppuser * \"$E2E_PAP_SECRET\" *"
	} >"$E2E_DIR/pap-secrets.new" && cat "$E2E_DIR/pap-secrets.new" >"$copy/pap-secrets" &&
		chown root:root "$copy/pap-secrets" && chmod 600 "$copy/pap-secrets" &&
		rm -f "$E2E_DIR/pap-secrets.new" || fail "cannot write the pap-secrets copy"
	_e2e_mount --bind "$copy" /etc/ppp
	(umask 077 && echo "$E2E_PAP_SECRET" >"$E2E_PAP_FILE") || fail "cannot write $E2E_PAP_FILE"
}

# /run becomes a tmpfs; a resolv.conf that points into /run is recreated there, one in
# /etc gets a private copy.
_e2e_run_and_resolv() {
	local resolv="" target
	target=$(readlink -f /etc/resolv.conf 2>/dev/null)
	[ -f /etc/resolv.conf ] && resolv=$(cat /etc/resolv.conf)
	_e2e_mount -t tmpfs -o mode=0755 e2e-run /run
	mkdir -p -m 1777 /run/lock && mkdir -p -m 0755 /run/sshd /run/netns ||
		fail "cannot populate /run"
	chmod 1777 /run/lock
	# sshdial's state directory (what outlives a reboot) is the scenario's own too.
	mkdir -p -m 0755 /var/lib/sshdial || fail "cannot make /var/lib/sshdial"
	_e2e_mount -t tmpfs -o mode=0755 e2e-state /var/lib/sshdial
	case $target in
	/run/*)
		mkdir -p "$(dirname "$target")" && printf '%s\n' "$resolv" >"$target" ||
			fail "cannot recreate $target"
		;;
	?*) [ -f "$target" ] && _e2e_private_copy "$target" ;;
	esac
}

_e2e_netns() {
	E2E_CLI=sshdial-e2e-cli-$$
	E2E_SRV=sshdial-e2e-srv-$$
	if [ "$E2E_TOPOLOGY" = routed ]; then
		_e2e_netns_routed
		return
	fi
	ip netns add "$E2E_CLI" && ip netns add "$E2E_SRV" || fail "ip netns add failed"
	ip link add "$E2E_IFACE" netns "$E2E_CLI" type veth peer name "$E2E_IFACE" netns "$E2E_SRV" ||
		fail "cannot create the veth pair (is the veth module available?)"
	printf '%s\n' "link set lo up" "addr add $E2E_CLIENT_IP/24 dev $E2E_IFACE" \
		"link set $E2E_IFACE up" | ip -n "$E2E_CLI" -batch - &&
		printf '%s\n' "link set lo up" "addr add $E2E_SERVER_IP/24 dev $E2E_IFACE" \
			"link set $E2E_IFACE up" | ip -n "$E2E_SRV" -batch - ||
		fail "cannot configure the namespaces"
}

# client e2e0 10.77.1.1 <-> rtr-cli 10.77.1.254 [router] rtr-srv 10.77.2.254 <-> e2e0 10.77.2.2
_e2e_netns_routed() {
	E2E_RTR=sshdial-e2e-rtr-$$
	ip netns add "$E2E_CLI" && ip netns add "$E2E_SRV" && ip netns add "$E2E_RTR" ||
		fail "ip netns add failed"
	ip link add "$E2E_IFACE" netns "$E2E_CLI" type veth peer name rtr-cli netns "$E2E_RTR" &&
		ip link add "$E2E_IFACE" netns "$E2E_SRV" type veth peer name rtr-srv netns "$E2E_RTR" ||
		fail "cannot create the veth pairs (is the veth module available?)"
	printf '%s\n' "link set lo up" "addr add $E2E_CLIENT_IP/24 dev $E2E_IFACE" \
		"link set $E2E_IFACE up" "route add default via 10.77.1.254" | ip -n "$E2E_CLI" -batch - &&
		printf '%s\n' "link set lo up" "addr add $E2E_SERVER_IP/24 dev $E2E_IFACE" \
			"link set $E2E_IFACE up" "route add default via 10.77.2.254" | ip -n "$E2E_SRV" -batch - &&
		printf '%s\n' "link set lo up" "addr add 10.77.1.254/24 dev rtr-cli" \
			"addr add 10.77.2.254/24 dev rtr-srv" "link set rtr-cli up" "link set rtr-srv up" |
		ip -n "$E2E_RTR" -batch - &&
		ip netns exec "$E2E_RTR" sysctl -q -w net.ipv4.ip_forward=1 ||
		fail "cannot configure the namespaces"
	export E2E_RTR
}

_e2e_need_router() {
	[ -n "${E2E_RTR:-}" ] || fail "$1 needs the routed topology (E2E_TOPOLOGY=routed before e2e_setup)"
}

# Policy rules ahead of the main table, matching both directions of the client-server
# path. A blackhole rule (like a blackhole route, unlike prohibit and unreachable) makes
# the forwarding lookup fail with EINVAL, and ip_error() drops such a packet without an
# ICMP error: the ends see silence, as behind a dead link.
e2e_blackhole_on() {
	_e2e_need_router e2e_blackhole_on
	ip -n "$E2E_RTR" rule add pref 100 from "$E2E_CLIENT_IP" to "$E2E_SERVER_IP" blackhole &&
		ip -n "$E2E_RTR" rule add pref 101 from "$E2E_SERVER_IP" to "$E2E_CLIENT_IP" blackhole ||
		fail "cannot add the blackhole rules in $E2E_RTR"
}

e2e_blackhole_off() {
	_e2e_need_router e2e_blackhole_off
	ip -n "$E2E_RTR" rule del pref 100 2>/dev/null
	ip -n "$E2E_RTR" rule del pref 101 2>/dev/null
	[ -z "$(ip -n "$E2E_RTR" rule show pref 100; ip -n "$E2E_RTR" rule show pref 101)" ] ||
		fail "cannot remove the blackhole rules in $E2E_RTR"
}

e2e_router_icmp_out() {
	_e2e_need_router e2e_router_icmp_out
	ip netns exec "$E2E_RTR" awk '$1 == "Icmp:" { if (h) { print $i; exit }
		for (i = 1; i <= NF; i++) if ($i == "OutMsgs") break; h = 1 }' /proc/net/snmp
}

_e2e_netns_empty() { [ -z "$(ip netns pids "$1")" ]; }

# e2e_sshd_restart [SECS]: the server goes away with every session, and comes back.
e2e_sshd_restart() {
	local pids
	pids=$(ip netns pids "$E2E_SRV")
	# shellcheck disable=SC2086
	[ -z "$pids" ] || _e2e_kill_all $pids
	wait "$_e2e_sshd_pid" 2>/dev/null
	wait_for 90 _e2e_netns_empty "$E2E_SRV" || fail "processes in $E2E_SRV survived SIGKILL"
	sleep "${1:-0}"
	_e2e_sshd
}

_e2e_sshd_listening() {
	ss -N "$E2E_SRV" -Hltn | grep -q "$E2E_SERVER_IP:22 "
}
_e2e_sshd_up_or_gone() { _e2e_sshd_listening || ! kill -0 "$_e2e_sshd_pid"; }

# IPv6 gives the veth ends link-local addresses a moment after they come up (and
# marks them tentative during duplicate address detection): wait, so that a scenario's
# snapshot of addresses and routes does not change under it.
_e2e_ipv6_settled() {
	local ns
	[ -e /proc/sys/net/ipv6 ] || return 0
	for ns in "$E2E_CLI" "$E2E_SRV"; do
		[ -n "$(ip -n "$ns" -6 addr show dev "$E2E_IFACE" scope link)" ] &&
			[ -z "$(ip -n "$ns" -6 addr show dev "$E2E_IFACE" tentative)" ] || return 1
	done
}

_e2e_sshd() {
	local conf=$E2E_DIR/sshd/sshd_config
	cat >"$conf" <<-EOF
		ListenAddress $E2E_SERVER_IP
		HostKey $E2E_DIR/sshd/ssh_host_ed25519_key
		PidFile $E2E_DIR/sshd/sshd.pid
		AuthorizedKeysFile .ssh/authorized_keys
		StrictModes yes
		UsePAM no
		PubkeyAuthentication yes
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		PermitRootLogin no
		UseDNS no
		PrintMotd no
		PrintLastLog no
		X11Forwarding no
		LogLevel VERBOSE
	EOF
	# In the foreground (-D) as a child of this script, with a parent-death signal: a
	# script killed outright (SIGKILL) leaves no sshd behind.
	ip netns exec "$E2E_SRV" setpriv --pdeathsig TERM \
		/usr/sbin/sshd -D -f "$conf" -E "$E2E_SSHD_LOG" </dev/null &
	_e2e_sshd_pid=$!
	wait_for 60 _e2e_sshd_up_or_gone
	_e2e_sshd_listening || fail "sshd is not listening on $E2E_SERVER_IP:22 (config $conf)"
}

# The server end: pppd started by pppuser through the forced command. Debian's pppd is
# setuid root, mode 4754, group dip, and refuses privileged options (noauth, linkname,
# ip-up-script, plugin) from an ordinary caller; /etc/ppp/options adds auth, lock,
# crtscts, modem and lcp-echo-interval 30 (harmless with notty). So: notty (the ssh
# channel is stdin/stdout), require-pap against the pap-secrets copy, fixed addresses,
# and a logfile pppuser can write (opened with the caller's privileges).
_e2e_authorize_dialer() {
	E2E_PPPD_SERVER_LOG=$E2E_DIR/log/pppd-server.log
	install -o pppuser -g pppuser -m 644 /dev/null "$E2E_PPPD_SERVER_LOG" ||
		fail "cannot create $E2E_PPPD_SERVER_LOG"
	E2E_PPPD_SERVER_CMD="/usr/sbin/pppd notty nodetach require-pap $E2E_TUN_SERVER:$E2E_TUN_CLIENT"
	E2E_PPPD_SERVER_CMD+=" ms-dns $E2E_TUN_SERVER debug logfile $E2E_PPPD_SERVER_LOG"
	e2e_authorize "command=\"$E2E_PPPD_SERVER_CMD\",no-pty,no-agent-forwarding,no-X11-forwarding $E2E_DIALER_PUBKEY"
	e2e_log "$E2E_PPPD_SERVER_LOG"
}

e2e_setup() {
	local c
	[ "$(id -u)" = 0 ] || fail "end-to-end scenarios must run as root"
	# The marker reaches only the re-executed script itself, not what it starts.
	if [ "${_E2E_PRIVATE_MNTNS:-}" != 1 ]; then
		# shellcheck disable=SC2093
		_E2E_PRIVATE_MNTNS=1 exec unshare -m --propagation private -- \
			"$BASH" "$(readlink -f "$0")" "${_e2e_args[@]}"
		fail "unshare -m failed"
	fi
	unset _E2E_PRIVATE_MNTNS
	for c in ip ss unshare setpriv mount ssh ssh-keygen /usr/sbin/sshd /usr/sbin/pppd; do
		command -v "$c" >/dev/null || fail "$c not found: run make deps"
	done
	export E2E_TOP E2E_SSHDIAL=$E2E_TOP/build/sshdial
	if [ "${E2E_NEEDS_SSHDIAL:-yes}" != no ] && [ ! -x "$E2E_SSHDIAL" ]; then
		fail "$E2E_SSHDIAL is missing: run make"
	fi
	export PATH=$E2E_TOP/build:$PATH

	E2E_DIR=$(mktemp -d "$(_e2e_tmp_base)/sshdial-e2e.XXXXXX") || fail "mktemp failed"
	trap e2e_teardown EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 141' PIPE
	trap 'exit 143' TERM
	chmod 755 "$E2E_DIR" && mkdir -p "$E2E_DIR"/{etc,log,sshd,home,peers} &&
		chmod 700 "$E2E_DIR/sshd" || fail "cannot populate $E2E_DIR"

	export E2E_DIR E2E_PEERS=$E2E_DIR/peers E2E_IFACE=e2e0
	export E2E_CLIENT_IP=10.77.0.1 E2E_SERVER_IP=10.77.0.2
	export E2E_TOPOLOGY=${E2E_TOPOLOGY:-direct}
	case $E2E_TOPOLOGY in
	direct) ;;
	routed) E2E_CLIENT_IP=10.77.1.1 E2E_SERVER_IP=10.77.2.2 ;;
	*) fail "E2E_TOPOLOGY: '$E2E_TOPOLOGY' is neither direct nor routed" ;;
	esac
	export E2E_TUN_CLIENT=192.168.77.2 E2E_TUN_SERVER=192.168.77.1
	export E2E_LOCAL_USER=dialer E2E_PAP_USER=pppuser
	export E2E_PAP_SECRET E2E_PAP_FILE=$E2E_DIR/pap-secret
	E2E_PAP_SECRET=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
	export E2E_SSHD_LOG=$E2E_DIR/log/sshd.log
	e2e_log "$E2E_SSHD_LOG"

	ssh-keygen -q -t ed25519 -N '' -C sshdial-e2e-host -f "$E2E_DIR/sshd/ssh_host_ed25519_key" ||
		fail "ssh-keygen failed"
	_e2e_run_and_resolv
	_e2e_install
	export E2E_SSHDIAL_INSTALLED
	_e2e_ppp
	_e2e_accounts
	export E2E_PPPUSER_HOME E2E_DIALER_HOME E2E_IDENTITY E2E_DIALER_PUBKEY E2E_KNOWN_HOSTS
	export E2E_AUTHORIZED_KEYS
	_e2e_root_ssh
	_e2e_authorize_dialer
	export E2E_PPPD_SERVER_CMD E2E_PPPD_SERVER_LOG
	_e2e_netns
	export E2E_CLI E2E_SRV
	_e2e_sshd
	wait_for 60 _e2e_ipv6_settled || fail "the veth's IPv6 link-local addresses did not settle"
	note "test bed up: $E2E_CLI ($E2E_CLIENT_IP) <-> $E2E_SRV ($E2E_SERVER_IP, sshd)"
}

# --- teardown ----------------------------------------------------------------------------

_e2e_dump() {
	local f ns
	echo "--- diagnostics (scenario failed with status $1) ---"
	for f in "${_e2e_logs[@]}"; do
		[ -s "$f" ] || continue
		echo "--- tail of $f"
		tail -n 40 "$f"
	done
	for ns in "${E2E_CLI:-}" "${E2E_SRV:-}" "${E2E_RTR:-}" "${E2E_NET:-}"; do
		[ -n "$ns" ] && ip netns list 2>/dev/null | grep -qw "$ns" || continue
		echo "--- namespace $ns: addresses and processes"
		ip -n "$ns" -br addr 2>/dev/null
		e2e_procs "$ns"
	done
	echo "---"
}

# A zombie counts as gone: a daemon's orphan waits for a reaper that may be slow.
_e2e_alive() {
	local stat
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# _e2e_kill_all PID...: TERM, up to 5 s of grace, then KILL.
_e2e_kill_all() {
	local p left i
	[ $# -gt 0 ] || return 0
	kill -TERM "$@" 2>/dev/null
	for i in $(seq 50); do
		left=""
		for p in "$@"; do _e2e_alive "$p" && left=1; done
		[ -n "$left" ] || return 0
		sleep 0.1
	done
	kill -KILL "$@" 2>/dev/null
}

e2e_teardown() {
	local rc=$? ns i
	[ -n "${_e2e_torn:-}" ] && return "$rc"
	_e2e_torn=1
	trap - EXIT HUP INT TERM
	trap '' PIPE # a closed stdout must not stop the cleanup
	set +eu
	[ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && _e2e_dump "$rc" >&2
	# shellcheck disable=SC2046
	_e2e_kill_all $(jobs -p)
	for ns in "$E2E_CLI" "$E2E_SRV" "${E2E_RTR:-}" "${E2E_NET:-}"; do
		[ -n "$ns" ] || continue
		# shellcheck disable=SC2046
		_e2e_kill_all $(ip netns pids "$ns" 2>/dev/null)
		ip netns del "$ns" 2>/dev/null
	done
	for ((i = ${#_e2e_mounts[@]} - 1; i >= 0; i--)); do
		umount "${_e2e_mounts[i]}" 2>/dev/null || umount -l "${_e2e_mounts[i]}"
	done
	case $E2E_DIR in */sshdial-e2e.*) rm -rf "$E2E_DIR" ;; esac
	exit "$rc"
}
