/* sshdial check --dial PEER: one login with the peer's own ssh asking the server's forced
 * command for serve's probe (SERVE_PROBE_COMMAND) instead of a link (link/dial_probe.c
 * logs in and reads the answer).  What came back names the forced command: sshdial
 * serve's answer or refusal, plain PPP (a classic pppd), anything else (quoted, escaped);
 * or, when nothing came, ssh's own verdict (link/failure.h).  Here: that verdict and its
 * exit status. */
#include "cmd/check_dial.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "cmd/commands.h"
#include "frames/frame_relay.h"
#include "lib/text.h"
#include "lib/log.h"
#include "link/dial_probe.h"
#include "link/failure.h"
#include "server/serve_request.h"

/* What the forced command sent from byte from on, for a message (lib/text.h), a
 * line's last newline left out. */
static void quote(const struct dial_probe_result *pr, size_t from, char *buf, size_t len)
{
	size_t end = pr->answer_len;
	if (end > from && pr->answer[end - 1] == '\n')
		end--;
	quote_bytes(buf, len, pr->answer + from, end > from ? end - from : 0);
}

static bool answer_starts(const struct dial_probe_result *pr, const char *with)
{
	size_t n = strlen(with);
	return pr->answer_len >= n && memcmp(pr->answer, with, n) == 0;
}

/* The verdict, printed; the exit status (sshdial(8), EXIT STATUS, check --dial). */
static int verdict(const struct peer *peer, const struct dial_probe_result *pr)
{
	const char *name = peer_name(peer);
	const char *host = peer_host(peer);
	char q[4 * DIAL_PROBE_ANSWER_MAX + 1];
	if (pr->exec_failed) {
		fprintf(stderr, "%s: cannot start ssh: %s\n", name, pr->exec_text);
		return EXIT_SYSTEM;
	}
	if (answer_starts(pr, SERVE_PROBE_ANSWER)) {
		quote(pr, strlen(SERVE_PROBE_ANSWER), q, sizeof(q));
		printf("%s: %s answers with sshdial serve: %s\n", name, host, q);
		return EXIT_OK;
	}
	if (answer_starts(pr, FRAME_REFUSED)) {
		quote(pr, strlen(FRAME_REFUSED), q, sizeof(q));
		fprintf(stderr,
		        "%s: %s answers with sshdial serve, which refuses this key: '%s'; fix this "
		        "on the server (its log says the same)\n",
		        name, host, q);
		return EXIT_PERMANENT;
	}
	if (answer_starts(pr, FRAME_MAGIC)) {
		printf("%s: %s answers with sshdial serve's frame transport (an sshdial serve "
		       "without the probe: update it to check more)\n",
		       name, host);
		return EXIT_OK;
	}
	if (pr->answer_len && (unsigned char)pr->answer[0] == 0x7e) {
		quote(pr, 0, q, sizeof(q));
		bool frames = peer_transport(peer) == TRANSPORT_FRAMES;
		fprintf(
		    frames ? stderr : stdout,
		    "%s: %s answers with plain PPP ('%s'): a classic pppd as the forced command "
		    "(or an sshdial serve older than its probe)%s\n",
		    name, host, q,
		    frames ? "; it cannot carry 'transport frames': write 'transport pty' or "
		             "'transport auto' in the peer file, or run sshdial serve there"
		           : "");
		return frames ? EXIT_PERMANENT : EXIT_OK;
	}
	if (pr->answer_len) {
		quote(pr, 0, q, sizeof(q));
		fprintf(stderr,
		        "%s: %s answers with neither sshdial serve nor pppd: it sent '%s' (a shell "
		        "or another program: make the key's forced command 'sshdial serve', see "
		        "'sshdial authorize')\n",
		        name, host, q);
		return EXIT_PERMANENT;
	}
	if (pr->timed_out) { /* ssh was ended after the limit: its status says nothing */
		fprintf(
		    stderr,
		    "%s: %s: nothing answered within %u s of dialing (ssh did not log in, or the "
		    "forced command waits for input)\n",
		    name, host, DIAL_PROBE_WAIT_MS / 1000);
		return EXIT_SYSTEM;
	}
	if (WIFEXITED(pr->wstatus) && WEXITSTATUS(pr->wstatus) == 0) {
		fprintf(stderr,
		        "%s: %s: the forced command ended without a word (not sshdial serve, which "
		        "answers the probe, nor pppd)\n",
		        name, host);
		return EXIT_PERMANENT;
	}
	struct failure f = pr->failure;
	failure_from_ssh_exit(&f, peer, pr->wstatus, pr->signalled ? FAILURE_SSH_SIGNALLED : 0);
	/* ssh's and the server's words, quoted in the reason: escaped */
	char text[FAILURE_TEXT_MAX], line[FAILURE_TEXT_MAX + 100];
	snprintf(line, sizeof(line), "%s: %s", name, failure_format(&f, text, sizeof(text)));
	log_print_line(stderr, line);
	return f.cls == FAILURE_TRANSIENT ? EXIT_SYSTEM : exit_status_of(f.cls);
}

int check_dial(const struct peer *p)
{
	if (peer_pty_command(p) || !peer_host(p)) {
		fprintf(stderr,
		        "%s: check --dial needs the peer's host: a pty command's ssh is its own, "
		        "and it cannot be asked for a probe\n",
		        peer_name(p));
		return EXIT_CONFIG;
	}
	struct dial_probe_result r;
	if (dial_probe(p, SERVE_PROBE_COMMAND, &r) < 0)
		return EXIT_SYSTEM;
	return verdict(p, &r);
}
