# Helpers for scenarios that run `sshdial call` in the client namespace.
# Source after lib.sh and e2e_setup.

SSHDIAL="$PWD/build/sshdial"

# peer_file NAME [EXTRA LINES...]: a peer file for the test server in $E2E_PEERS.
peer_file() {
	local name=$1
	shift
	{
		echo "# written by tests/e2e/call.sh"
		echo "host $E2E_SERVER_IP"
		echo "ssh-user pppuser"
		echo "local-user $E2E_LOCAL_USER"
		echo "identity $E2E_IDENTITY"
		echo "known-hosts $E2E_KNOWN_HOSTS"
		echo "pap-user $E2E_PAP_USER"
		echo "pap-password-file $E2E_PAP_FILE"
		for line in "$@"; do echo "$line"; done
	} >"$E2E_PEERS/$name"
}

# call_start NAME: starts sshdial call NAME in the client namespace, in the background,
# with a clean environment as a service manager would give it.  Sets CALL_PID, CALL_LOG.
call_start() {
	CALL_LOG="$E2E_DIR/call-$1.log"
	e2e_log "$CALL_LOG"
	ip netns exec "$E2E_CLI" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		"$SSHDIAL" call --verbose --peers-dir "$E2E_PEERS" "$1" >"$CALL_LOG" 2>&1 &
	CALL_PID=$!
	CALL_STARTED=$(date +%s.%N)
}

call_running() {
	kill -0 "$CALL_PID" 2>/dev/null
}

# call_wait_up [SECONDS]: until sshdial reports the link up (routes applied).
call_wait_up() {
	local t=${1:-120}
	wait_for "$t" grep -q ': up after ' "$CALL_LOG" ||
		fail "the link did not come up within ${t}s (see $CALL_LOG)"
	CALL_UP_AFTER=$(awk -v a="$CALL_STARTED" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
}

# call_wait_exit SECONDS: waits for sshdial to end; sets CALL_RC.
call_wait_exit() {
	local t=$1 i=0
	while call_running && [ "$i" -lt $((t * 5)) ]; do
		sleep 0.2
		i=$((i + 1))
	done
	if call_running; then
		kill -KILL "$CALL_PID" 2>/dev/null
		fail "sshdial did not exit within ${t}s"
	fi
	wait "$CALL_PID"
	CALL_RC=$?
}

# call_stop: SIGTERM, then wait; sets CALL_RC.
call_stop() {
	kill -TERM "$CALL_PID"
	call_wait_exit 30
}

# assert_nothing_left NAME: no ppp device, sshdial route, pppd, ssh or runtime file left.
assert_nothing_left() {
	local name=$1 left
	left=$(ip -n "$E2E_CLI" -o link show type ppp 2>/dev/null)
	[ -z "$left" ] || fail "a ppp device is left over: $left"
	left=$(ip -n "$E2E_CLI" route show | grep -E 'ppp|10\.99\.' || true)
	[ -z "$left" ] || fail "routes are left over: $left"
	left=$(ip netns pids "$E2E_CLI" | xargs -r ps -o pid=,comm= -p | grep -E 'pppd|ssh' || true)
	[ -z "$left" ] || fail "processes are left over: $left"
	[ ! -e "/run/sshdial/$name.sock" ] || fail "/run/sshdial/$name.sock is left over"
	[ ! -e "/run/sshdial/$name.journal" ] || fail "/run/sshdial/$name.journal is left over"
}
