/* How long one dial attempt may take to bring the link up.  A fixed bound failed a server
 * under load: when many clients dial one server at once (after its restart, or a network
 * outage of the site), every login takes longer than the bound, every attempt is given up
 * and started again from nothing, which adds to the load, and no client ever comes up
 * (measured: bench/serve-scale, 0 of 50 in 8 minutes).  So each attempt that ended on its
 * deadline doubles the next one's, up to a cap: a storm converges once the allowance is
 * past what the loaded server needs, while a dead server is still found by ssh's own
 * timeouts (ConnectTimeout, ServerAliveInterval), which do not grow. */
#ifndef SSHDIAL_ATTEMPT_DEADLINE_H
#define SSHDIAL_ATTEMPT_DEADLINE_H

/* The first attempt's bound, and the most any attempt gets. */
#define ATTEMPT_DEADLINE_BASE_MS 60000u
#define ATTEMPT_DEADLINE_CAP_MS 480000u

/* The bound for an attempt after `missed` attempts in a row ended on theirs (0: the link
 * came up since, or none did yet). */
unsigned attempt_deadline_ms(unsigned missed);
/* ssh's ConnectTimeout for that attempt, in seconds: a quarter of its deadline (15 s
 * first).  Under a storm sshd takes longer than 15 s to send its banner, and an attempt
 * ssh gives up there counts as a missed deadline too (failure.h: timed_out). */
unsigned attempt_connect_timeout_s(unsigned missed);

/* An attempt that is visibly getting somewhere is not ended just because its deadline
 * passed: under a storm that throws away a login the loaded server has already paid for.
 * Progress is a step of PPP's negotiation done, as pppd's own log lines say (those pppd
 * 2.4.9 prints without its debug option, in their exact form).  Each step needs the
 * server's pppd, so ssh's login and serve's lease are done too; sshdial sees no line when
 * ssh's login alone is done (ssh prints none at its default LogLevel). */
enum attempt_step {
	ATTEMPT_NO_STEP = 0,
	ATTEMPT_AUTHENTICATED = 1 << 0, /* "PAP authentication succeeded" (or CHAP's, EAP's) */
	ATTEMPT_IPCP_UP = 1 << 1,       /* "local  IP address ..." / "remote IP address ..." */
	ATTEMPT_IPV6CP_UP = 1 << 2,     /* "local  LL address ..." / "remote LL address ..." */
};

/* When the deadline fires and the attempt did a step it had not done before within the
 * last quarter of its deadline, it is given another quarter, at most this many times: a
 * stalled attempt still ends at most a quarter after its last new step, and no attempt
 * outlives 1.5 times its deadline. */
#define ATTEMPT_EXTENSIONS_MAX 2u

struct attempt_progress {
	unsigned done;          /* the steps done (enum attempt_step bits) */
	enum attempt_step last; /* the last new one */
	unsigned last_at_ms;    /* when, in ms since the dial */
	unsigned extensions;    /* given so far */
};

/* The step a line of pppd's log shows done, or ATTEMPT_NO_STEP. */
enum attempt_step attempt_step_of_pppd_line(const char *line);
const char *attempt_step_name(enum attempt_step s);
/* Notes that the attempt did step s at_ms after its dial (one it had done already, or no
 * step, changes nothing). */
void attempt_progress_note(struct attempt_progress *p, enum attempt_step s, unsigned at_ms);
/* The deadline of deadline_ms fired at now_ms after the dial (first, or at the end of an
 * extension): the ms to give the attempt more, or 0 to end it. */
unsigned attempt_deadline_extension_ms(struct attempt_progress *p, unsigned deadline_ms,
                                       unsigned now_ms);

#endif
