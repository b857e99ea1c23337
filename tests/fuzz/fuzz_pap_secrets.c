/* pppd's secrets file (/etc/ppp/pap-secrets): pap_secrets_lookup, which only takes a path,
 * reads each input from an in-memory file, for a peer with and without a remotename.
 * A secret "@/path" names another file; inputs naming any file but the harness's own are
 * skipped, so that the fuzzer never opens devices or FIFOs of the machine. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/diag.h"
#include "fuzz_util.h"
#include "conf/pap_secrets.h"
#include "conf/secret.h"
#include "lib/words.h"

/* The one file a secret may name, at a fixed descriptor so that seeds can name it. */
#define INDIRECT_FD 100
#define INDIRECT_PATH "/proc/self/fd/100"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	static const char text[] = "indirect-secret   the rest is ignored\n";
	int fd = fuzz_memfd("indirect", (const uint8_t *)text, sizeof(text) - 1);
	if (fd < 0 || dup2(fd, INDIRECT_FD) < 0)
		abort();
	close(fd);
	return 0;
}

static bool names_only_ours(const char *text)
{
	struct words *w = words_new(text, 1);
	const char *word;
	bool ok = true;
	while (ok && words_next(w, &word) == 1)
		ok = word[0] != '@' || strcmp(word + 1, INDIRECT_PATH) == 0 || word[1] != '/';
	words_free(w);
	return ok;
}

static void lookup(const char *path, const char *server)
{
	char buf[SECRET_MAX];
	struct diag *d = diag_new();
	ssize_t n = pap_secrets_lookup(path, "pppuser", server, buf, sizeof(buf), d);
	if (n >= 0 && (diag_count(d) != 0 || strlen(buf) != (size_t)n))
		abort();
	if (n < 0 && diag_count(d) == 0)
		abort(); /* a failure must say why */
	diag_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strdup(data, size);
	bool usable = names_only_ours(text);
	free(text);
	if (!usable)
		return -1; /* not worth keeping in the corpus */
	int fd = fuzz_memfd("pap-secrets", data, size);
	if (fd < 0)
		abort();
	char path[64];
	fuzz_memfd_path(fd, path, sizeof(path));
	lookup(path, NULL);
	lookup(path, "gw");
	close(fd);
	return 0;
}
