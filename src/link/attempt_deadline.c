#include "link/attempt_deadline.h"

#include "lib/text.h"

#include <stdbool.h>
#include <string.h>

unsigned attempt_deadline_ms(unsigned missed)
{
	unsigned ms = ATTEMPT_DEADLINE_BASE_MS;
	for (unsigned i = 0; i < missed && ms < ATTEMPT_DEADLINE_CAP_MS; i++)
		ms *= 2;
	return ms < ATTEMPT_DEADLINE_CAP_MS ? ms : ATTEMPT_DEADLINE_CAP_MS;
}

unsigned attempt_connect_timeout_s(unsigned missed)
{
	return attempt_deadline_ms(missed) / 4000;
}

/* pppd 2.4.9: auth.c's "%s authentication succeeded" (PAP, CHAP, EAP) and chap-new.c's
 * own "CHAP authentication succeeded"; ipcp.c's "local  IP address %I" (two spaces) and
 * "remote IP address %I", and ipv6cp.c's "local  LL address %s" and "remote LL address
 * %s", each logged when that protocol is up, before its ip-up (ipv6-up) runs. */
enum attempt_step attempt_step_of_pppd_line(const char *line)
{
	if (strcmp(line, "PAP authentication succeeded") == 0 ||
	    strcmp(line, "CHAP authentication succeeded") == 0 ||
	    strcmp(line, "EAP authentication succeeded") == 0)
		return ATTEMPT_AUTHENTICATED;
	if (str_has_prefix(line, "local  IP address ") ||
	    str_has_prefix(line, "remote IP address "))
		return ATTEMPT_IPCP_UP;
	if (str_has_prefix(line, "local  LL address ") ||
	    str_has_prefix(line, "remote LL address "))
		return ATTEMPT_IPV6CP_UP;
	return ATTEMPT_NO_STEP;
}

const char *attempt_step_name(enum attempt_step s)
{
	switch (s) {
	case ATTEMPT_AUTHENTICATED:
		return "PPP authentication done";
	case ATTEMPT_IPCP_UP:
		return "IPv4 addresses negotiated";
	case ATTEMPT_IPV6CP_UP:
		return "IPv6 link-local addresses negotiated";
	case ATTEMPT_NO_STEP:
		break;
	}
	return "no step";
}

void attempt_progress_note(struct attempt_progress *p, enum attempt_step s, unsigned at_ms)
{
	if (s == ATTEMPT_NO_STEP || (p->done & (unsigned)s))
		return;
	p->done |= (unsigned)s;
	p->last = s;
	p->last_at_ms = at_ms;
}

unsigned attempt_deadline_extension_ms(struct attempt_progress *p, unsigned deadline_ms,
                                       unsigned now_ms)
{
	unsigned window = deadline_ms / 4;
	if (p->last == ATTEMPT_NO_STEP || p->extensions >= ATTEMPT_EXTENSIONS_MAX)
		return 0;
	if (now_ms < p->last_at_ms || now_ms - p->last_at_ms > window)
		return 0;
	p->extensions++;
	return window;
}
