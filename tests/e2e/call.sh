# shellcheck shell=bash
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
	# Read by the scenarios that source this file.
	# shellcheck disable=SC2034
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
	call_wait_exit 60
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

# --- link health and redial ------------------------------------------------------

# The health verdict and the end of an attempt, as whole log lines go: ': link dead: '
# alone would also match the 'link down: link dead: ...' line that follows a verdict.
# Read by the scenarios that source this file.
# shellcheck disable=SC2034
LINK_DEAD_RE='sshdial: warning: [^ ]+: link dead: '
LINK_DOWN_RE='sshdial: warning: [^ ]+: link down: '

# call_count ERE: how many lines of the log match ERE (0 when none).
call_count() {
	local n
	n=$(grep -cE -- "$1" "$CALL_LOG" 2>/dev/null) || true
	echo "${n:-0}"
}

# call_attempts: how many dial attempts the log shows so far.
call_attempts() { call_count ': dialing .* \(attempt [0-9]+\)$'; }

_call_at_least() { [ "$(call_count "$2")" -ge "$1" ]; }

# call_wait_count N ERE SECS: until at least N log lines match ERE; 1 if not within SECS.
call_wait_count() { wait_for "$3" _call_at_least "$1" "$2"; }

# call_wait_up_n N [SECS]: until the Nth 'up after' line (the link came back N-1 times).
call_wait_up_n() {
	local t=${2:-120}
	call_wait_count "$1" ': up after ' "$t" ||
		fail "no up-after line number $1 within ${t}s (see $CALL_LOG)"
}

# call_status_line: SIGUSR1 to the call, then its newest status line.
call_status_line() {
	local n
	n=$(call_count ': status: state ')
	kill -USR1 "$CALL_PID"
	call_wait_count $((n + 1)) ': status: state ' 10 || fail "no status line after SIGUSR1"
	grep -E ': status: state ' "$CALL_LOG" | tail -n1
}

# now: seconds since the epoch with decimals; since T: seconds since T, one decimal.
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# cli_pids COMM: pids of the client namespace's processes named COMM.
cli_pids() {
	ip netns pids "$E2E_CLI" | xargs -r ps -o pid=,comm= -p | awk -v c="$1" '$2 == c { print $1 }'
}

# ppp_dev: the client's ppp interface (empty when none).
ppp_dev() { ip -n "$E2E_CLI" -o link show type ppp 2>/dev/null | awk -F': ' '{ print $2 }' | head -n1; }

# assert_route_once CIDR: CIDR is routed in the client exactly once, through a ppp device.
assert_route_once() {
	local got
	got=$(ip -n "$E2E_CLI" route show table all | grep -E "^${1//./\\.} " || true)
	[ "$(printf '%s' "$got" | grep -c .)" = 1 ] || fail "route $1 should be there once: '$got'"
	assert_match "$got" " dev ppp[0-9]+( |$)" "route $1"
}

# ping_through ADDR [SECS]: ping ADDR from the client until it answers (default 60 s). The
# server's stale session from before a fault can hold the tunnel's host route there for a
# while, so a single ping right after 'up after' may go unanswered.
ping_through() {
	wait_for "${2:-60}" in_cli ping -c 1 -W 2 "$1" || fail "no ping through the link to $1 within ${2:-60}s"
}

# --- failures named right -----------------------------------------------------------

# call_verdict: sshdial's last error line, the verdict it exited with, without "sshdial: error: ".
call_verdict() { grep -E '^sshdial: error: ' "$CALL_LOG" | tail -n 1 | sed 's/^sshdial: error: //'; }

# call_ends_once NAME STATUS WHAT: NAME's call ends by itself (within 150 s; a redial loop
# would still be running) with STATUS after exactly one attempt, leaving nothing behind.
# Sets CALL_VERDICT for the caller to check what the message says.
call_ends_once() {
	call_start "$1"
	call_wait_exit 150
	CALL_VERDICT=$(call_verdict)
	note "$3: status $CALL_RC after $(since "$CALL_STARTED")s: $CALL_VERDICT"
	assert_eq "$(call_attempts)" 1 "$3: dial attempts"
	assert_eq "$(call_count "$LINK_DOWN_RE")" 0 "$3: redials announced"
	assert_eq "$CALL_RC" "$2" "$3: exit status"
	assert_nothing_left "$1"
}
