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

#endif
