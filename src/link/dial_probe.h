/* One login with a peer's own ssh that runs a remote command and reads its first answer,
 * without a link (dial_probe.c): `check --dial`'s mechanics. */
#ifndef SSHDIAL_DIAL_PROBE_H
#define SSHDIAL_DIAL_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/config.h"
#include "link/failure.h"
#include "link/ssh_argv.h"

/* ssh's own ConnectTimeout, then the time the login and the forced command get to say
 * something (a loaded server: an emulated one took 20 s). */
#define DIAL_PROBE_WAIT_MS ((SSH_CONNECT_TIMEOUT_S + 45u) * 1000u)
/* Bytes enough to name what answered; a line of serve's ends sooner. */
#define DIAL_PROBE_ANSWER_MAX 256u

struct dial_probe_result {
	char answer[DIAL_PROBE_ANSWER_MAX]; /* the forced command's first bytes (not a string) */
	size_t answer_len;
	bool timed_out;   /* nothing complete within DIAL_PROBE_WAIT_MS: ssh was ended */
	bool exec_failed; /* ssh could not be executed: exec_text says why */
	char exec_text[256];
	int wstatus;            /* ssh's */
	bool signalled;         /* ssh was ended by a signal of ours */
	struct failure failure; /* ssh's stderr lines read (failure_from_ssh_line) */
};

/* Runs ssh for p with remote command command until its answer is read and ssh has ended:
 * 0 with r filled, or -1 when ssh could not be started (said on stderr). */
int dial_probe(const struct peer *p, const char *command, struct dial_probe_result *r);

#endif
