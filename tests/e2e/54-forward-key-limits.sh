#!/bin/bash
# What a forward key cannot do. A key given only --permit-listen (see
# sshdial(8), authorize --permit-listen) gets a permitopen that matches nothing: ssh -W
# to sshd's own port and to a loopback service is refused. And `authorize --install`
# writes an sshd drop-in for group sshdial-serve (no unix-socket forwarding, tunnel, X11
# or agent forwarding): with it included, each forward key's `ssh -R /path:...` is
# refused, where the key's options alone allow it. The drop-in is checked with sshd -t
# and -T, said, idempotent, and left alone when sshd's configuration fails already.
. tests/e2e/lib.sh
e2e_setup "$@"
. tests/e2e/call.sh
. tests/e2e/serve.sh
. tests/e2e/forward.sh
. tests/e2e/daemon.sh

dropin=/etc/ssh/sshd_config.d/sshdial.conf
serve_setup
fwd_dovecot_start
serve_key office
line=$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name office --permit-listen 8022) ||
	fail "authorize --permit-listen failed"
office_key=$SERVE_KEY
serve_key mail
mail_line=$("$SERVE_SSHDIAL" authorize --key "$SERVE_KEY.pub" --name mail --forward-only \
	--permit-open 127.0.0.1:110) || fail "authorize --forward-only failed"
mail_key=$SERVE_KEY
serve_authorize "$line" "$mail_line"

out=$E2E_DIR/ssh.out
# as_client KEY ADDRESS SSH-ARGS...
as_client() {
	local key=$1 addr=$2
	shift 2
	timeout 300 ip netns exec "$E2E_CLI" ssh -F /dev/null -i "$key" -o BatchMode=yes \
		-o UserKnownHostsFile="$E2E_KNOWN_HOSTS" -o StrictHostKeyChecking=yes \
		-o ConnectTimeout=60 "$@" pppuser@"$addr" </dev/null >"$out" 2>&1
}
# The listen-only key reaches nothing: not sshd's port, not a loopback service.
for target in 127.0.0.1:22 127.0.0.1:110; do
	as_client "$office_key" "$E2E_SERVER_IP" -W "$target" && fail "the listen-only key's ssh -W $target was allowed: $(head -3 "$out")"
	grep -q 'administratively prohibited' "$out" || fail "ssh -W $target: unexpected: $(head -5 "$out")"
done
assert_match "$line" '^restrict,port-forwarding,permitopen="sshdial-no-open\.invalid:1",permitlisten="8022",command="' "the listen-only line"
as_client "$mail_key" "$E2E_SERVER_IP" -W 127.0.0.1:110
grep -q '^+OK' "$out" || fail "the mail key's permitted 127.0.0.1:110 failed: $(head -5 "$out")"
note "listen-only key: ssh -W to 127.0.0.1:22 and 127.0.0.1:110 refused"

# A second sshd that includes the drop-in, as Debian's sshd_config does.
second_sshd "Include /etc/ssh/sshd_config.d/*.conf"
sock=$E2E_PPPUSER_HOME/fwd.sock
for key in "$office_key" "$mail_key"; do
	name=${key##*/}
	rm -f "$sock"
	as_client "$key" "$SECOND_SERVER_IP" -N -o ExitOnForwardFailure=yes -R "$sock:127.0.0.1:110" &&
		fail "key $name: ssh -R $sock was allowed with the drop-in"
	grep -q 'remote port forwarding failed' "$out" || fail "key $name: ssh -R $sock: unexpected: $(head -5 "$out")"
	[ ! -e "$sock" ] || fail "key $name: sshd created $sock"
	# The test bed's own sshd, without the drop-in: the key's options alone let it listen.
	ip netns exec "$E2E_CLI" ssh -F /dev/null -i "$key" -o BatchMode=yes \
		-o UserKnownHostsFile="$E2E_KNOWN_HOSTS" -o ExitOnForwardFailure=yes -N \
		-R "$sock:127.0.0.1:110" pppuser@"$E2E_SERVER_IP" </dev/null >"$out" 2>&1 &
	rpid=$!
	wait_for 300 test -S "$sock" || fail "key $name: without the drop-in, ssh -R $sock did not listen: $(head -3 "$out")"
	kill "$rpid"
	wait "$rpid" 2>/dev/null
done
rm -f "$sock"
note "forward keys: ssh -R unix socket refused with the drop-in (allowed without it)"

install_log=$E2E_DIR/log/install.log
grep -qF "$dropin (sshd: no unix-socket forwarding, tunnel, X11 or agent forwarding for group sshdial-serve" "$install_log" ||
	fail "install does not say it wrote the sshd drop-in: $(cat "$install_log")"
grep -q '^Match Group sshdial-serve$' "$dropin" || fail "the drop-in has no Match Group sshdial-serve: $(cat "$dropin")"
grep -q 'sshd -T: account pppuser gets none of them' "$install_log" ||
	fail "install did not check pppuser with sshd -T: $(cat "$install_log")"
conf=$(/usr/sbin/sshd -T -C user=pppuser,host=client,addr=10.77.0.1) || fail "sshd -T failed"
for kv in 'allowstreamlocalforwarding no' 'permittunnel no' 'x11forwarding no' 'allowagentforwarding no'; do
	grep -qx "$kv" <<<"$conf" || fail "sshd -T for pppuser lacks '$kv'"
done
# Idempotent: again, nothing changes, and it says so.
before=$(sha256sum "$dropin")
"$SERVE_SSHDIAL" authorize --install >"$E2E_DIR/install2.log" 2>&1 || fail "a second --install failed: $(cat "$E2E_DIR/install2.log")"
grep -qF "$dropin (sshd: unchanged)" "$E2E_DIR/install2.log" || fail "the second --install: $(cat "$E2E_DIR/install2.log")"
assert_eq "$(sha256sum "$dropin")" "$before" "the drop-in after a second --install"
/usr/sbin/sshd -t || fail "sshd -t refuses the configuration with the drop-in"
# An sshd configuration that sshd -t refuses already: the drop-in is left as it was,
# and install fails saying why.
echo 'NoSuchSshdKeyword yes' >/etc/ssh/sshd_config.d/zz-broken.conf
echo '# an older drop-in' >"$dropin"
"$SERVE_SSHDIAL" authorize --install >"$E2E_DIR/install3.log" 2>&1 && fail "--install with a broken sshd_config succeeded"
grep -q "fails already, before $dropin is written" "$E2E_DIR/install3.log" || fail "the third --install: $(cat "$E2E_DIR/install3.log")"
assert_eq "$(cat "$dropin")" '# an older drop-in' "the drop-in left as it was"
rm -f /etc/ssh/sshd_config.d/zz-broken.conf
"$SERVE_SSHDIAL" authorize --install >"$E2E_DIR/install4.log" 2>&1 || fail "--install failed: $(cat "$E2E_DIR/install4.log")"
assert_eq "$(sha256sum "$dropin")" "$before" "the drop-in rewritten"
note "install: drop-in $dropin written, checked with sshd -t and -T, idempotent"
