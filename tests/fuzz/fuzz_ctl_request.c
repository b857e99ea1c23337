/* The daemon's control requests (ctl/ctl_request.h) as a client may send them, and the
 * reply's first line as the client reads it: a refusal says why; what is accepted is
 * written back by ctl_request_format to the same request; a reply head that parses names
 * a status whose name gives the same line back. */
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl_request.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_request rq, again;
	char why[128];
	why[0] = 0;
	if (ctl_request_parse((const char *)data, size, &rq, why, sizeof(why)) < 0) {
		if (!why[0])
			abort(); /* a refusal says why */
	} else {
		char line[CTL_REQUEST_MAX + 2];
		int n = ctl_request_format(&rq, line, sizeof(line));
		if (n < 1 || line[n - 1] != '\n' ||
		    ctl_request_parse(line, (size_t)n - 1, &again, why, sizeof(why)) < 0 ||
		    again.verb != rq.verb || again.json != rq.json ||
		    strcmp(again.peer, rq.peer) != 0)
			abort();
		if ((size_t)n - 1 != size || memcmp(line, data, size) != 0)
			abort(); /* one spelling per request: what parses is what format writes */
	}
	enum ctl_status st;
	if (ctl_reply_head_parse((const char *)data, size, &st) == 0) {
		const char *name = ctl_status_name(st);
		if (size != strlen("status ") + strlen(name) ||
		    memcmp((const char *)data + strlen("status "), name, strlen(name)) != 0)
			abort();
	}
	return 0;
}
