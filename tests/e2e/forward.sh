# shellcheck shell=bash
# Helpers for the scenarios of port forwards and forward-only peers.  Source
# after lib.sh, e2e_setup, call.sh and serve.sh.
#
# fwd_peer NAME [LINES...]: a peer file in $E2E_PEERS for the test server with no PAP
#   (for 'link no', which refuses it), the identity $SERVE_KEY, then the lines given.
# fwd_dovecot_start: Debian's dovecot (pop3) in the server namespace, with a config of
#   its own: listening on 127.0.0.1:110 only, one passwd-file user alice (password
#   popsecret) whose Maildir holds one message with the subject sshdial-e2e-pop.
# fwd_pop_fetch PORT: the first message through 127.0.0.1:PORT in the client, with curl.

fwd_peer() {
	local name=$1
	shift
	{
		echo "# written by tests/e2e/forward.sh"
		echo "host $E2E_SERVER_IP"
		echo "ssh-user pppuser"
		echo "local-user $E2E_LOCAL_USER"
		echo "identity $SERVE_KEY"
		echo "known-hosts $E2E_KNOWN_HOSTS"
		printf '%s\n' "$@"
	} >"$E2E_PEERS/$name" || fail "cannot write peer $name"
}

fwd_dovecot_start() {
	local d=$E2E_DIR/dovecot
	mkdir -p "$d/run" "$d/state" "$d/mail/alice/Maildir/cur" "$d/mail/alice/Maildir/new" \
		"$d/mail/alice/Maildir/tmp" || fail "cannot create $d"
	printf 'From: root@example.org\nTo: alice@example.org\nSubject: sshdial-e2e-pop\n\nthrough the forward\n' \
		>"$d/mail/alice/Maildir/new/1.e2e"
	echo "alice:{PLAIN}popsecret" >"$d/users"
	chown -R nobody:nogroup "$d/mail"
	cat >"$d/dovecot.conf" <<-EOF2
		base_dir = $d/run
		state_dir = $d/state
		log_path = $d/dovecot.log
		protocols = pop3
		listen = 127.0.0.1
		ssl = no
		disable_plaintext_auth = no
		auth_mechanisms = plain
		passdb {
		  driver = passwd-file
		  args = scheme=PLAIN $d/users
		}
		userdb {
		  driver = static
		  args = uid=nobody gid=nogroup home=$d/mail/%u
		}
		mail_location = maildir:~/Maildir
		pop3_uidl_format = %08Xu%08Xv
	EOF2
	e2e_log "$d/dovecot.log"
	in_srv /usr/sbin/dovecot -c "$d/dovecot.conf" || fail "dovecot did not start: $(tail -5 "$d/dovecot.log")"
	wait_for 90 eval "ss -N '$E2E_SRV' -Hltn | grep -q '127.0.0.1:110 '" ||
		fail "dovecot does not listen on 127.0.0.1:110 in the server"
}

fwd_pop_fetch() {
	in_cli curl -s --max-time 20 "pop3://alice:popsecret@127.0.0.1:$1/1"
}
