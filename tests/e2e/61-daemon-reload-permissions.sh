#!/bin/bash
# The daemon: `reload` with one peer unchanged, one changed, one removed, one
# made invalid and one added, each as sshdial(8) says (SIGHUP does the same); the control
# socket's permissions (a member of the status group reads status but may not take a
# link down; anyone else gets nothing; a member holding every connection it can still
# leaves root its status and down); a flood of malformed, oversized and stalled
# requests leaves every link up and the daemon answering.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/daemon.sh

names=(keep change remove invalid new)
conf=() lines=()
for i in "${!names[@]}"; do conf+=("key ${names[$i]}" "address 192.168.77.$((10 + i))"); done
serve_setup "${conf[@]}"
# Five links on one emulated machine: the server's LCP echo every second, 3 misses (the
# test bed's, for fast detection elsewhere) would drop links that are merely slow here.
sed -i -e 's/^lcp-echo-interval 1$/lcp-echo-interval 10/' "$SERVE_CONF"
for i in "${!names[@]}"; do
	n=${names[$i]}
	serve_key "$n"
	eval "key_$n=\$SERVE_KEY"
	lines+=("$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name "$n")")
done
serve_authorize "${lines[@]}"
# shellcheck disable=SC2154
i=1
for n in keep change remove invalid; do
	eval "serve_peer $n \"\$key_$n\" 'autostart yes' 'route 10.99.$i.0/24'"
	i=$((i + 1))
done
# The status group, with dialer in it and pppuser not.
echo "sshdial:x:$(_e2e_free_ids 1):dialer" >>/etc/group || fail "cannot add group sshdial"

daemon_start
for n in keep change remove invalid; do daemon_wait_state $n up 300; done
assert_eq "$(stat -c '%a %G' /run/sshdial) $(stat -c '%a %G' /run/sshdial/control)" \
	"710 sshdial 660 sshdial" "modes of /run/sshdial and its control socket"
keep=$(pppd_pid keep) change=$(pppd_pid change) remove=$(pppd_pid remove) invalid=$(pppd_pid invalid)
note "four links up: pppd $keep $change $remove $invalid"

# --- reload ---------------------------------------------------------------------------
echo "route 10.99.50.0/24" >>"$E2E_PEERS/change"
rm "$E2E_PEERS/remove"
echo "bogus-keyword yes" >>"$E2E_PEERS/invalid"
# shellcheck disable=SC2154
serve_peer new "$key_new" "autostart yes" "route 10.99.60.0/24"
out=$(ctl reload 2>&1)
rc=$?
note "reload: status $rc: $(echo "$out" | tr '\n' '|')"
assert_eq "$rc" 1 "reload's exit status with an invalid peer file"
assert_match "$out" "$E2E_PEERS/invalid:[0-9]+: unknown keyword 'bogus-keyword'" "reload names file:line"
assert_match "$out" "invalid: refused, the link keeps running as it was" "reload on the invalid peer"
assert_match "$out" "change: changed, dialing again" "reload on the changed peer"
assert_match "$out" "remove: removed, taking it down" "reload on the removed peer"
assert_match "$out" "new: new, dialing" "reload on the new peer"
echo "$out" | grep -q '^keep' && fail "reload reported the unchanged peer: $out"

daemon_wait_state new up
wait_for 150 eval '[ -z "$(field remove state)" ]' || fail "remove is still listed: $(ctl status)"
wait_for 150 eval '[ -n "$(pppd_pid change)" ] && [ "$(pppd_pid change)" != "$change" ]' ||
	fail "change was not redialed"
daemon_wait_state change up
kill -0 "$remove" 2>/dev/null && fail "remove's pppd still runs"
[ -z "$(ip -n "$E2E_CLI" route show 10.99.3.0/24)" ] || fail "remove's route is left"
assert_route_once 10.99.50.0/24
assert_route_once 10.99.60.0/24
assert_eq "$(pppd_pid keep)" "$keep" "the unchanged peer's pppd"
assert_eq "$(pppd_pid invalid)/$(field invalid state)" "$invalid/up" "the invalid peer's link"
assert_route_once 10.99.1.0/24
assert_route_once 10.99.2.0/24
assert_route_once 10.99.4.0/24

# SIGHUP reloads too: the new peer's file goes, so does its link.
rm "$E2E_PEERS/new"
kill -HUP "$DAEMON_PID"
wait_for 150 eval '[ -z "$(field new state)" ]' || fail "SIGHUP did not reload: $(ctl status)"
[ -z "$(ip -n "$E2E_CLI" route show 10.99.60.0/24)" ] || fail "new's route is left after SIGHUP"
grep -q 'reload: new: removed' "$DAEMON_LOG" || fail "the daemon did not log SIGHUP's reload"

# --- permissions ----------------------------------------------------------------------
as() {
	local u=$1
	shift
	in_cli setpriv --reuid="$u" --regid="$u" --init-groups "$E2E_SSHDIAL_INSTALLED" "$@"
}
out=$(as dialer status --json) || fail "a member of sshdial cannot read status: $out"
assert_eq "$(echo "$out" | jq -r 'map(.name) | join(" ")')" "change invalid keep" "status as dialer"
out=$(as dialer down keep 2>&1)
rc=$?
assert_eq "$rc" 1 "down as a member of sshdial"
assert_match "$out" "only root may down" "down as a member of sshdial"
out=$(as dialer reload 2>&1) && fail "reload as a member of sshdial succeeded: $out"
out=$(as pppuser status 2>/dev/null)
rc=$?
assert_eq "$out" "" "status as a non-member (stdout)"
[ "$rc" != 0 ] || fail "status as a non-member succeeded"
assert_eq "$(pppd_pid keep)/$(field keep state)" "$keep/up" "keep after the refused down"

# --- a flood of bad requests ----------------------------------------------------------
in_cli python3 - <<'PY' || fail "the flood found a wrong answer (see above)"
import os, random, socket, sys
random.seed(9)
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect("/run/sshdial/control")
    s.settimeout(20)
    return s
def answer(s):
    out = b""
    while True:
        b = s.recv(4096)
        if not b:
            return out
        out += b
held = []
bad = 0
for i in range(400):
    kind = i % 5
    try:
        s = conn()
    except OSError as e:
        continue  # past the client limit a connection may be refused or dropped
    try:
        if kind == 0:
            s.sendall(os.urandom(random.randint(1, 100)) + b"\n")
        elif kind == 1:
            s.sendall(b"up " + b"x" * 5000)
        elif kind == 2:
            s.sendall(b"status\x00\n")
        elif kind == 3:
            s.sendall(b"down ../../etc/passwd\n")
        else:
            s.sendall(b"stat")  # never finished: held open
            held.append(s)
            continue
        a = answer(s)
        if a and not a.startswith(b"status request\n"):
            print("unexpected answer:", a[:200]); bad += 1
    except OSError:
        pass
    s.close()
for s in held:
    s.close()
sys.exit(1 if bad else 0)
PY
daemon_running || fail "the daemon died of the flood"
wait_for 90 ctl status >/dev/null || fail "the daemon does not answer after the flood"
for n in keep change invalid; do
	assert_eq "$(field $n state)" up "$n after the flood"
done
assert_eq "$(pppd_pid keep)/$(pppd_pid invalid)" "$keep/$invalid" "pppd after the flood"
# (not in a pipeline: fail in its subshell would end only the subshell)
n=$(grep -c 'control: a malformed request\|control: a request longer' "$DAEMON_LOG")
[ "$n" -ge 100 ] || fail "the daemon logged only $n bad requests"

# --- a member holding every connection it can --------------------------------------
# dialer keeps up to 70 connections open, opening a new one as soon as the daemon drops
# one (each is dropped 5 s after it opened without a request): a member must not lock
# root out of the control socket.
# (its count on stdout, then how many of its connections the daemon answered for the
# request timeout: root's shell opens the file, which dialer may not)
in_cli setpriv --reuid=dialer --regid=dialer --init-groups python3 - <<'PY' >"$E2E_DIR/held" &
import socket, time
held, end, timed_out = [], time.time() + 300, 0
while time.time() < end:
    for s in held[:]:
        try:
            got = s.recv(64, socket.MSG_DONTWAIT)
            if got == b"":
                held.remove(s); s.close()
            elif b"no request line within" in got:
                timed_out += 1
                held.remove(s); s.close()
        except BlockingIOError:
            pass
        except OSError:
            held.remove(s); s.close()
    while len(held) < 70:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect("/run/sshdial/control")
        except OSError:
            s.close(); break
        held.append(s)
    print(len(held), timed_out, flush=True)
    time.sleep(0.05)
PY
holder=$!
wait_for 90 test -s "$E2E_DIR/held" || fail "the member's connections did not start"
# Past the daemon's 5 s request timeout: the member has lost connections to it, and
# refilled them (it refills at once, in the same round).
member_timed_out() { [ "$(tail -n1 "$E2E_DIR/held" | awk '{ print $2 + 0 }')" -ge 1 ]; }
wait_for 90 member_timed_out || fail "none of the member's connections met the request timeout: $(tail -n1 "$E2E_DIR/held")"
for i in 1 2 3 4 5; do
	out=$(ctl status change 2>&1)
	rc=$?
	# 4: change is known and not up (it may be redialing): an answer all the same.
	[ $rc -eq 0 ] || [ $rc -eq 4 ] || fail "root's status failed while a member holds connections ($i, exit $rc): $out"
	sleep 1
done
out=$(ctl down change 2>&1) || fail "root's down failed while a member holds connections: $out"
assert_eq "$(field change state)" stopped "change after root's down during the member's flood"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
assert_eq "$(field keep state)" up "keep after the member's flood"

daemon_stop
assert_eq "$DAEMON_RC" 0 "the daemon's exit status"
for n in keep change invalid; do assert_nothing_left $n; done
