/* An LD_PRELOAD shim for tests only (build/tests/draw_ids.so, never installed): makes the
 * L2TP IDs sshdial draws (frames/l2tp_link.c: two bytes of getrandom each) the ones listed in
 * $SSHDIAL_TEST_DRAW ("5001 5002 ..."), in order, then random again.  Every other
 * getrandom call is the C library's.  tests/e2e/77-frames-local-attacker.sh uses it to
 * draw the tunnel IDs that an attacker holds. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>

static size_t next;

ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
	const char *list = getenv("SSHDIAL_TEST_DRAW");
	if (list && len == sizeof(uint16_t)) {
		const char *p = list;
		for (size_t i = 0; i < next && *p; i++) {
			strtoul(p, (char **)&p, 10);
			p += strspn(p, " ");
		}
		p += strspn(p, " ");
		if (*p) {
			uint16_t id = (uint16_t)strtoul(p, NULL, 10);
			memcpy(buf, &id, sizeof(id));
			next++;
			return (ssize_t)sizeof(id);
		}
	}
	ssize_t (*real)(void *, size_t, unsigned) =
	    (ssize_t(*)(void *, size_t, unsigned))dlsym(RTLD_NEXT, "getrandom");
	return real(buf, len, flags);
}
