# shellcheck shell=bash
# Helpers for scenarios of the frame transport (transport frames and auto).
# Source after lib.sh, e2e_setup, call.sh and serve.sh.
#
# frames_setup [PEER LINES...]: fails unless this kernel has l2tp_ppp; makes the test
#   bed's server an sshdial server (serve_setup, key alice at 192.168.77.10), a key for
#   alice (its path in $alice), alice's peer file (these lines, then route 10.99.0.0/24),
#   and 10.99.0.1 on the server's lo; FRAMES_ROUTES: the client's routes before any link.
#   Nothing is authorized yet: the scenario says which forced command alice gets.
# client_routes: the client's routes, every table, to compare with FRAMES_ROUTES.
# tunnels NS: the L2TP tunnels (and sessions) the kernel holds in namespace NS.
# fd_targets PID: "FD->TARGET " for each of its descriptors.
# pppd_on: the client's one pppd's command line, "| ", and its descriptors.
# frames_hide_plugin: the client side's pppd plugin directory without pppol2tp.so (a copy
#   bound over it: pppd's other plugins stay), as on a machine without the plugin;
#   frames_show_plugin [PID...]: the directory as installed again, here and in the mount
#   namespaces of these processes (`ip netns exec` gave each process it started, such as
#   $CALL_PID, a copy of the mounts of that moment; lazily there, as its pppd maps a
#   plugin from the copy).  sshd's namespace (the server) keeps the plugin either way.

frames_setup() {
	grep -q '^TUNNEL name' /proc/net/pppol2tp 2>/dev/null ||
		fail "this kernel has no l2tp_ppp (no /proc/net/pppol2tp): modprobe l2tp_ppp"
	serve_setup "key alice" "address 192.168.77.10"
	serve_key alice
	alice=$SERVE_KEY
	serve_peer alice "$alice" "$@" "route 10.99.0.0/24"
	in_srv ip addr add 10.99.0.1/24 dev lo
	# Read by the scenarios that source this file.
	# shellcheck disable=SC2034
	FRAMES_ROUTES=$(client_routes)
}

client_routes() { ip -n "$E2E_CLI" route show table all; }

tunnels() { ip netns exec "$1" cat /proc/net/pppol2tp | grep -E "^(TUNNEL|  SESSION) '" || true; }

fd_targets() { (cd "/proc/$1/fd" && for fd in *; do printf '%s->%s ' "$fd" "$(readlink "$fd")"; done); }

pppd_on() {
	local pid
	pid=$(cli_pids pppd)
	[ "$(echo "$pid" | grep -c .)" = 1 ] || fail "expected one pppd in the client, found '$pid'"
	printf '%s| ' "$(tr '\0' ' ' <"/proc/$pid/cmdline")"
	fd_targets "$pid"
}

_frames_plugin_dir=

frames_hide_plugin() {
	local so
	so=$(ls -d /usr/lib/pppd/*/pppol2tp.so 2>/dev/null | head -n1)
	[ -n "$so" ] || fail "pppd's pppol2tp.so is not installed: apt-get install ppp"
	_frames_plugin_dir=${so%/*}
	mkdir -p "$E2E_DIR/pppd-plugins" &&
		cp -a "$_frames_plugin_dir/." "$E2E_DIR/pppd-plugins/" &&
		rm "$E2E_DIR/pppd-plugins/pppol2tp.so" || fail "cannot copy $_frames_plugin_dir"
	_e2e_mount --bind "$E2E_DIR/pppd-plugins" "$_frames_plugin_dir"
	[ ! -e "$so" ] || fail "$so is still there after hiding it"
}

frames_show_plugin() {
	local pid
	for pid in "$@"; do
		nsenter -t "$pid" -m -r -w umount -l "$_frames_plugin_dir" ||
			fail "cannot unmount the copy over $_frames_plugin_dir for process $pid"
	done
	_e2e_umount "$_frames_plugin_dir"
	[ -e "$_frames_plugin_dir/pppol2tp.so" ] || fail "pppol2tp.so is not back in $_frames_plugin_dir"
}
