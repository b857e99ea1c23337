#include "link/attempt_deadline.h"

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
