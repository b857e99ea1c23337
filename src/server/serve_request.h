/* What a client asked sshd to run (SSH_ORIGINAL_COMMAND), as sshdial serve sees it.  The
 * forced command runs whatever the client asks; serve runs pppd with the server's options
 * in every case, and this only decides whether the request is worth a warning, and
 * whether the client asked for the frame transport (frames/frame_relay.h). */
#ifndef SSHDIAL_SERVE_REQUEST_H
#define SSHDIAL_SERVE_REQUEST_H

#include <stddef.h>

enum serve_request {
	SERVE_REQUEST_PPP,     /* nothing, or a documented way of asking for the link */
	SERVE_REQUEST_FRAMES,  /* sshdial's client asking for the frame transport */
	SERVE_REQUEST_PROBE,   /* sshdial check --dial: answer SERVE_PROBE_ANSWER, then end */
	SERVE_REQUEST_IGNORED, /* anything else: a shell, a program, pppd with options */
};

/* The documented set, word for word: no command, "false" (the classic recipe's pty
 * command), "pppd", "/usr/sbin/pppd", "sshdial serve", "sshdial serve --transport pty";
 * and "sshdial serve --transport frames" (FRAMES), "sshdial serve --probe" (PROBE).  NULL
 * is no command. */
/* The probe's request, and serve's answer to it when it would serve the key: this, the
 * key's name and what it would serve, on one line, then the end of the stream.  No lease
 * is taken and no pppd started.  A refusal is FRAME_REFUSED's line (net/frame_relay.h). */
#define SERVE_PROBE_COMMAND "sshdial serve --probe"
#define SERVE_PROBE_ANSWER "SSHDIAL-SERVE/1 "

enum serve_request serve_request_classify(const char *command);

/* command made safe for one log line: control characters as \xNN, quotes kept, cut
 * to fit len with "..." at the end. */
void serve_request_quote(const char *command, char *buf, size_t len);

#endif
