# shellcheck shell=bash
# Helpers for scenarios of the server side (sshdial serve, authorize, the server's hook).
# Source after lib.sh, e2e_setup and call.sh.
#
# serve_setup [SERVER.CONF LINES...] makes the test bed's server an sshdial server, as the
# README's "The server in five steps" does: a private /etc/sshdial (tmpfs) with server.conf (pool
# 192.168.77.0/24, the server's end $E2E_TUN_SERVER, LCP echo every second, leases in
# $SERVE_LEASES, a log-file $SERVE_LOG that pppuser can write, then the lines given), and
# `sshdial authorize --install` (writes into the test bed's private /etc/ppp, and its sshd
# drop-in into a private copy of /etc/ssh; the test bed's sshd does not include it).
# SERVE_DEFAULT_LEASE_DIR=yes before serve_setup: no lease-dir line, the leases in
# sshdial's default /var/lib/sshdial/leases as the README's set-up has them (in the VM,
# on its root file system, an overlay; elsewhere a private directory bound there).
# serve_key NAME: a new key for dialer ($E2E_DIALER_HOME/.ssh/NAME), path in SERVE_KEY.
# serve_authorize LINE...: pppuser's authorized_keys becomes these lines.
# serve_peer NAME KEYFILE [LINES...]: a peer file like peer_file's, with that identity.
# serve_conf LINE...: rewrite server.conf (the base lines, then these).
# SERVE_SSHDIAL: the installed sshdial ($E2E_SSHDIAL_INSTALLED) that everything on the
# server side runs, as on a real server after `make install`: `authorize` writes its path
# into authorized_keys lines, `authorize --install` points the server's hooks at it.

SERVE_CONF=/etc/sshdial/server.conf
SERVE_SSHDIAL=$E2E_SSHDIAL_INSTALLED

_serve_conf_base() {
	cat <<-EOF2
		# written by tests/e2e/serve.sh
		pool 192.168.77.0/24
		local-address $E2E_TUN_SERVER
		lcp-echo-interval 1
		lcp-echo-failure 3
		${SERVE_LEASES_LINE-lease-dir $SERVE_LEASES}
		log-file $SERVE_LOG
	EOF2
}

serve_conf() {
	{
		_serve_conf_base
		printf '%s\n' "$@"
	} >"$SERVE_CONF" && chmod 644 "$SERVE_CONF" || fail "cannot write $SERVE_CONF"
}

serve_setup() {
	SERVE_LEASES=$E2E_DIR/leases
	if [ "${SERVE_DEFAULT_LEASE_DIR:-}" = yes ]; then
		SERVE_LEASES=/var/lib/sshdial/leases
		SERVE_LEASES_LINE="# lease-dir: the default, $SERVE_LEASES"
		if [ "${E2E_IN_VM:-}" != 1 ]; then
			mkdir -p /var/lib/sshdial "$E2E_DIR/varlib" || fail "cannot create /var/lib/sshdial"
			_e2e_mount --bind "$E2E_DIR/varlib" /var/lib/sshdial
			# _e2e_sshd_pid: the test bed's sshd (lib.sh's e2e_setup sets it).
			# shellcheck disable=SC2154
			nsenter -t "$_e2e_sshd_pid" -m -r -w mount --bind "$E2E_DIR/varlib" /var/lib/sshdial ||
				fail "cannot bind /var/lib/sshdial in sshd's mount namespace"
		fi
	fi
	SERVE_LOG=$E2E_DIR/log/serve.log
	install -o pppuser -g pppuser -m 644 /dev/null "$SERVE_LOG" || fail "cannot create $SERVE_LOG"
	e2e_log "$SERVE_LOG"
	# A private /etc/sshdial, here and in sshd's mount namespace (ip netns exec made it
	# when sshd started; mounts made here since do not reach it). On a machine without
	# /etc/sshdial this leaves an empty directory behind.
	mkdir -p /etc/sshdial "$E2E_DIR/etc/sshdial" || fail "cannot create /etc/sshdial"
	_e2e_mount --bind "$E2E_DIR/etc/sshdial" /etc/sshdial
	nsenter -t "$_e2e_sshd_pid" -m -r -w mount --bind "$E2E_DIR/etc/sshdial" /etc/sshdial ||
		fail "cannot bind /etc/sshdial in sshd's mount namespace"
	# A private /etc/ssh too, in both: install writes its sshd drop-in there (and checks
	# it with the machine's own sshd_config, which includes it on Debian).
	cp -a /etc/ssh "$E2E_DIR/etc/ssh" || fail "cannot copy /etc/ssh"
	_e2e_mount --bind "$E2E_DIR/etc/ssh" /etc/ssh
	nsenter -t "$_e2e_sshd_pid" -m -r -w mount --bind "$E2E_DIR/etc/ssh" /etc/ssh ||
		fail "cannot bind /etc/ssh in sshd's mount namespace"
	serve_conf "$@"
	# The serve accounts' group, as the administrator makes it (groupadd, which install
	# would run, cannot rename over the test bed's bind-mounted /etc/group).
	grep -q '^sshdial-serve:' /etc/group || echo "sshdial-serve:x:$(_e2e_free_ids 1):pppuser" >>/etc/group ||
		fail "cannot add group sshdial-serve"
	"$SERVE_SSHDIAL" authorize --install >"$E2E_DIR/log/install.log" 2>&1 ||
		fail "sshdial authorize --install failed: $(cat "$E2E_DIR/log/install.log")"
	[ "$(readlink /etc/ppp/sshdial-serve-ip-up)" = "$SERVE_SSHDIAL" ] ||
		fail "the server's ip-up hook does not point at $SERVE_SSHDIAL: $(cat "$E2E_DIR/log/install.log")"
}

serve_key() {
	SERVE_KEY=$E2E_DIALER_HOME/.ssh/$1
	ssh-keygen -q -t ed25519 -N '' -C "$1@sshdial-e2e" -f "$SERVE_KEY" &&
		chown dialer:dialer "$SERVE_KEY" "$SERVE_KEY.pub" || fail "cannot make key $1"
}

serve_authorize() { e2e_authorize "$@"; }

serve_peer() {
	local name=$1 key=$2
	shift 2
	peer_file "$name" "$@"
	sed -i "s|^identity .*|identity $key|" "$E2E_PEERS/$name" || fail "cannot edit peer $name"
}

# serve_ppp_of ADDR: the server's ppp interface whose peer is ADDR (empty when none).
serve_ppp_of() {
	ip -n "$E2E_SRV" -o -4 addr show | awk -v p="$1/32" '$0 ~ " peer " p { print $2 }' | head -n1
}

# serve_pppd_count: how many pppd run in the server namespace.
serve_pppd_count() {
	ip netns pids "$E2E_SRV" | xargs -r ps -o comm= -p | grep -c '^pppd$' || true
}
