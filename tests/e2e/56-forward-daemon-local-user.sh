#!/bin/bash
# A forward of a peer whose local-user is not root, under the daemon,
# with the runtime directory as sshdial makes it (/run/sshdial 0700, or 0710 for the
# status group: the local-user cannot enter it).  ssh, run as the local-user, makes its
# control socket in /run/sshdial-ssh/PEER (the local-user's, 0700, in root's 0711
# directory); the forward is set up and a page comes through it; another account can
# neither list /run/sshdial-ssh nor reach the socket; 'down' removes the directory.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/forward.sh
. tests/e2e/daemon.sh

[ "$E2E_LOCAL_USER" != root ] || fail "the test needs a local-user other than root"
[ ! -e /run/sshdial ] || fail "/run/sshdial exists before sshdial made it: $(stat -c '%a %U' /run/sshdial)"

# A web page on the server's loopback only.
mkdir -p "$E2E_DIR/www56" && echo "page behind the forward" >"$E2E_DIR/www56/index.html" ||
	fail "cannot write the page"
in_srv busybox httpd -f -p 127.0.0.1:8056 -h "$E2E_DIR/www56" &
wait_for 60 in_srv curl -s -m 5 -o /dev/null http://127.0.0.1:8056/ ||
	fail "the server's web server does not answer on 127.0.0.1:8056"

serve_setup
serve_key web
serve_authorize "$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name web --forward-only \
	--permit-open 127.0.0.1:8056)"
fwd_peer web "link no" "forward local 8057 127.0.0.1:8056"

daemon_start
mode=$(stat -c '%a %U' /run/sshdial)
case $mode in
"700 root" | "710 root") ;;
*) fail "/run/sshdial is not as sshdial makes it: $mode" ;;
esac
note "/run/sshdial: $mode, as the daemon made it"
out=$(ctl up web) || fail "sshdial up web failed ($?): $out"
note "up web: $out"
wait_for 90 grep -q 'web: forward local 8057 -> 127.0.0.1:8056: set up' "$DAEMON_LOG" ||
	fail "the forward was not set up: $(grep -E 'web: ' "$DAEMON_LOG" | tail -n 5)"
assert_eq "$(in_cli curl -sS -m 20 http://127.0.0.1:8057/ 2>&1)" "page behind the forward" "the page through the forward"

assert_eq "$(stat -c '%a %U' /run/sshdial-ssh)" "711 root" "/run/sshdial-ssh"
assert_eq "$(stat -c '%a %U' /run/sshdial-ssh/web)" "700 $E2E_LOCAL_USER" "the peer's control directory"
[ -S /run/sshdial-ssh/web/ctl ] || fail "no control socket in /run/sshdial-ssh/web"
assert_eq "$(stat -c '%U' /run/sshdial-ssh/web/ctl)" "$E2E_LOCAL_USER" "the control socket's owner"
# Another account: no listing, no way to the socket.
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_nobody ls /run/sshdial-ssh >/dev/null 2>&1 && fail "nobody can list /run/sshdial-ssh"
as_nobody test -e /run/sshdial-ssh/web/ctl && fail "nobody can reach the control socket"
as_nobody ssh -S /run/sshdial-ssh/web/ctl -O check x >/dev/null 2>&1 &&
	fail "nobody can use the master connection"
note "forward up as $E2E_LOCAL_USER; nobody else can list or reach the socket"

out=$(ctl down web) || fail "sshdial down web failed ($?): $out"
wait_for 60 sh -c '[ ! -e /run/sshdial-ssh/web ]' || fail "/run/sshdial-ssh/web is left after down"
daemon_stop
assert_eq "$DAEMON_RC" 0 "the daemon's exit status"
