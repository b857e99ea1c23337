/* Hook events as the ip-up/ip-down hook sends them on the control socket: hook_event_parse,
 * and for what it accepts, that hook_event_format writes a message parsing to the same. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "ctl/hook_event.h"

/* Field by field: a key given twice leaves bytes of its first value past the NUL. */
static bool same_event(const struct hook_event *a, const struct hook_event *b)
{
	return a->kind == b->kind && strcmp(a->peer, b->peer) == 0 &&
	       strcmp(a->ifname, b->ifname) == 0 && strcmp(a->local, b->local) == 0 &&
	       strcmp(a->remote, b->remote) == 0 && strcmp(a->dns1, b->dns1) == 0 &&
	       strcmp(a->dns2, b->dns2) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hook_event ev, again;
	const char *why = NULL;
	if (!hook_event_parse((const char *)data, size, &ev, &why)) {
		if (!why)
			abort(); /* a refusal must say why */
		return 0;
	}
	char msg[HOOK_MSG_MAX];
	size_t n = hook_event_format(&ev, msg, sizeof(msg));
	if (n == 0 || !hook_event_parse(msg, n, &again, &why) || !same_event(&ev, &again))
		abort(); /* what the hook sends sshdial must read back */
	(void)hook_kind_name(ev.kind);
	return 0;
}
