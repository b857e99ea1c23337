/* What sshdial serve reads from its authorized_keys line and from the client:
 * authorized_keys_locate over the input as the authorized_keys file (serve looks up its
 * own line for messages), authorized_key_check over it as a .pub file (authorize), and
 * serve_request_classify/quote over it as SSH_ORIGINAL_COMMAND (serve's log).  A key that
 * authorize accepts must give a line that locate then finds. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/authorized_keys.h"
#include "fuzz_util.h"
#include "lib/err.h"
#include "server/serve_request.h"
#include "lib/strv.h"
#include "lib/words.h"

static char *const serve_argv[] = {
    "/usr/local/sbin/sshdial", "serve", "--key", "office", "--mtu", "1400"};
#define SERVE_ARGC ((int)(sizeof(serve_argv) / sizeof(serve_argv[0])))

static unsigned locate(const uint8_t *data, size_t size, int argc)
{
	int fd = fuzz_memfd("authorized_keys", data, size);
	if (fd < 0)
		abort();
	char path[64];
	fuzz_memfd_path(fd, path, sizeof(path));
	unsigned line = authorized_keys_locate(path, argc, serve_argv);
	close(fd);
	return line;
}

/* authorize's line for an accepted key: serve must find it again. */
static void round_trip(const char *key, size_t size)
{
	struct strv *more = strv_new();
	strv_push(more, "--mtu");
	strv_push(more, "1400");
	const struct authorize_spec spec = {
	    .sshdial = serve_argv[0], .name = "office", .serve = more, .old_sshd = size & 1};
	struct err why;
	char *line = authorized_keys_line(&spec, key, &why);
	if (!line)
		abort(); /* every word is plain: nothing needs quoting */
	if (locate((const uint8_t *)line, strlen(line), SERVE_ARGC) != 1)
		abort();
	free(line);
	strv_free(more);
}

static bool has_word(const char *text, const char *word)
{
	const char *why;
	struct strv *w = words_split(text, &why);
	bool found = false;
	for (size_t i = 0; w && i < strv_len(w); i++)
		found |= strcmp(strv_get(w, i), word) == 0;
	strv_free(w);
	return found;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)locate(data, size, SERVE_ARGC);
	(void)locate(data, size, 4);
	char *text = fuzz_strdup(data, size);
	struct err why;
	err_clear(&why);
	char *key = authorized_key_check(text, &why);
	if (key)
		round_trip(key, size);
	else if (!err_is_set(&why) || !why.fix[0])
		abort(); /* a refusal must say why, and what to give instead */
	free(key);
	/* The probe is asked for in its own words only, as the command's words read (quotes and
	 * backslashes as a shell takes them: "--p\\robe" is the word --probe). */
	if (serve_request_classify(text) == SERVE_REQUEST_PROBE && !has_word(text, "--probe"))
		abort();
	char quoted[128];
	serve_request_quote(text, quoted, sizeof(quoted));
	if (!memchr(quoted, '\0', sizeof(quoted)))
		abort();
	serve_request_quote(text, quoted, 8);
	free(text);
	return 0;
}
