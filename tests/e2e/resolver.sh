# shellcheck shell=bash
# Helpers for scenarios about the client's resolver (dns yes).  Source after lib.sh and
# e2e_setup.
#
# resolver_private_etc: the test bed bind-mounts private copies of /etc/resolv.conf,
# passwd, group, shadow and /etc/ppp, and a bind-mounted file cannot be renamed over
# (EBUSY), while sshdial replaces /etc/resolv.conf as on a real system, by renaming a new
# file over it.  So this puts a writable overlay (upper layer on a tmpfs of its own) over
# all of /etc in the scenario's mount namespace: the copied files become plain files of
# the overlay, a bind-mounted directory is mounted again on top.  Nothing reaches the
# host's /etc.
#
# resolver_dnsmasq ADDR NAME IP: dnsmasq on the server, answering NAME with IP and
# nothing else (no upstream), logging queries to $DNSMASQ_LOG.
resolver_private_etc() {
	local d="$E2E_DIR/etc-overlay" m rel
	local -a files=() dirs=()
	mkdir -p "$d" || fail "cannot make $d"
	_e2e_mount -t tmpfs -o mode=0755 e2e-etc "$d"
	mkdir -p "$d/upper" "$d/work" "$d/keep" || fail "cannot populate the /etc overlay's tmpfs"
	while read -r m; do
		if [ -d "$m" ]; then dirs+=("$m"); else files+=("$m"); fi
	done < <(findmnt -rn -o TARGET | grep '^/etc/')
	for m in "${files[@]}"; do
		rel=${m#/etc/}
		mkdir -p "$d/upper/$(dirname "$rel")" && cp -p "$m" "$d/upper/$rel" ||
			fail "cannot copy $m into the /etc overlay"
	done
	for m in "${dirs[@]}"; do
		rel=${m#/etc/}
		mkdir -p "$d/keep/$rel" || fail "cannot make $d/keep/$rel"
		_e2e_mount --bind "$m" "$d/keep/$rel"
	done
	_e2e_mount -t overlay e2e-etc -o "lowerdir=/etc,upperdir=$d/upper,workdir=$d/work" /etc
	for m in "${dirs[@]}"; do
		_e2e_mount --bind "$d/keep/${m#/etc/}" "$m"
	done
	cp -p /etc/resolv.conf /etc/resolv.conf.e2e && mv -f /etc/resolv.conf.e2e /etc/resolv.conf ||
		fail "/etc/resolv.conf still cannot be renamed over"
}

resolver_dnsmasq() {
	DNSMASQ_LOG="$E2E_DIR/dnsmasq.log"
	e2e_log "$DNSMASQ_LOG"
	: >"$DNSMASQ_LOG"
	ip netns exec "$E2E_SRV" /usr/sbin/dnsmasq --keep-in-foreground --conf-file=/dev/null \
		--no-resolv --no-hosts --user=root --bind-dynamic --listen-address="$1" \
		--address="/$2/$3" --log-queries --log-facility="$DNSMASQ_LOG" \
		--pid-file="$E2E_DIR/dnsmasq.pid" &
}

# resolver_private_tree DIR...: a writable overlay (upper layer on a tmpfs of its own) over
# each DIR (/usr, /var) in the scenario's mount namespace, so that `dpkg -i` of a resolver
# package (resolvconf) writes only there: the host's or the VM's own tree never changes,
# whether the scenario runs in the VM or right on a host whose kernel does PPP.  Mounts
# under DIR are mounted again on top.
resolver_private_tree() {
	local dir d m
	local -a subs
	for dir in "$@"; do
		d="$E2E_DIR/tree-overlay${dir//\//-}"
		mkdir -p "$d" || fail "cannot make $d"
		_e2e_mount -t tmpfs -o mode=0755 e2e-tree "$d"
		mkdir -p "$d/upper" "$d/work" "$d/keep" || fail "cannot populate $d"
		subs=()
		while read -r m; do
			[ -d "$m" ] || fail "$m is a file mounted under $dir: not handled"
			subs+=("$m")
			mkdir -p "$d/keep/${m#"$dir"/}" && _e2e_mount --bind "$m" "$d/keep/${m#"$dir"/}"
		done < <(findmnt -rn -o TARGET | grep "^$dir/")
		_e2e_mount -t overlay e2e-tree -o "lowerdir=$dir,upperdir=$d/upper,workdir=$d/work" "$dir"
		for m in "${subs[@]}"; do
			_e2e_mount --bind "$d/keep/${m#"$dir"/}" "$m"
		done
	done
}

# resolver_unpack_debs PKG...: unpacks the named packages into the scenario's private
# trees (after resolver_private_etc and resolver_private_tree /usr) from the .deb files
# scripts/install-deps keeps in $RESOLVER_DEBS, never from the network.  Unpacked, not
# installed with dpkg -i: its maintainer scripts (debconf, update-rc.d, in
# perl) take minutes in an emulated VM, so the scenario does what they do that matters.
RESOLVER_DEBS=${RESOLVER_DEBS:-/var/cache/sshdial-tests}
resolver_unpack_debs() {
	local p f
	for p in "$@"; do
		f=$(find "$RESOLVER_DEBS" -maxdepth 1 -name "${p}_*.deb" | sort | tail -n 1)
		[ -n "$f" ] || fail "no ${p}_*.deb in $RESOLVER_DEBS: run scripts/install-deps"
		# Over the merged /usr: its ./lib and ./sbin go through the symlinks.
		dpkg-deb --fsys-tarfile "$f" | tar -x -C / --keep-directory-symlink --no-overwrite-dir ||
			fail "cannot unpack $f"
	done
}

# resolver_resolved: systemd-resolved (its .deb, unpacked into the scenario's private /etc
# and /usr) running without systemd as PID 1, on a private D-Bus system bus, in the
# client's namespace, with /etc/resolv.conf its stub, as scenario 49-dns-resolved sets it
# up.  Sets RESOLVED_PID and RESOLVED_LOG.
resolver_resolved() {
	resolver_private_etc
	resolver_private_tree /usr
	resolver_unpack_debs systemd-resolved
	systemd-sysusers /usr/lib/sysusers.d/systemd-resolve.conf ||
		fail "systemd-sysusers could not make the systemd-resolve user"
	mkdir -p /run/dbus /run/systemd/resolve
	chown systemd-resolve: /run/systemd/resolve
	dbus-daemon --system --fork --nopidfile || fail "dbus-daemon --system did not start"
	RESOLVED_LOG=$E2E_DIR/log/resolved.log
	e2e_log "$RESOLVED_LOG"
	ip netns exec "$E2E_CLI" env SYSTEMD_LOG_LEVEL=debug SYSTEMD_LOG_TARGET=console \
		/lib/systemd/systemd-resolved >"$RESOLVED_LOG" 2>&1 &
	# Read by the scenarios that source this file.
	# shellcheck disable=SC2034
	RESOLVED_PID=$!
	wait_for 60 test -e /run/systemd/resolve/stub-resolv.conf ||
		fail "systemd-resolved did not start (see $RESOLVED_LOG)"
	wait_for 90 in_cli resolvectl status >/dev/null 2>&1 || fail "resolvectl status does not answer"
	ln -nsf ../run/systemd/resolve/stub-resolv.conf /etc/resolv.conf
}
