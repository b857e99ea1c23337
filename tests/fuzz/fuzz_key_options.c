/* A key's options on its authorized_keys line, as sshdial serve receives them in argv:
 * the input is the words after "serve", one per line.  Parsed as serve's parse_args does
 * (--key NAME, then --KEYWORD VALUE pairs through key_options_add), then checked and
 * resolved against a fixed server.conf as authorize and serve do. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/diag.h"
#include "fuzz_util.h"
#include "server/server_conf.h"
#include "lib/strv.h"

#define KEYS_FILE "/home/pppuser/.ssh/authorized_keys"

static struct server_conf *conf;

static void free_conf(void)
{
	server_conf_free(conf);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	static const char *const lines[] = {"pool 192.168.77.0/24",
	                                    "dns 192.168.77.1",
	                                    "mtu 1400",
	                                    "key office",
	                                    "    address 192.168.77.10",
	                                    "    route 10.55.0.0/24",
	                                    "key laptop",
	                                    "    pap no",
	                                    NULL};
	struct diag *d = diag_new();
	struct server_conf_reader *r = server_conf_read_init("/etc/sshdial/server.conf", d);
	for (unsigned i = 0; lines[i]; i++)
		server_conf_read_line(r, lines[i], i + 1);
	conf = server_conf_read_finish(r);
	if (!conf) {
		diag_print(d, stderr);
		abort();
	}
	diag_free(d);
	atexit(free_conf);
	return 0;
}

static void add_word(void *arg, const char *line, unsigned lineno)
{
	(void)lineno;
	strv_push(arg, line);
}

/* serve's parse_args: false when the words are refused. */
static bool parse(const struct strv *w, const char **key, struct key_options *o, struct diag *d)
{
	for (size_t i = 0; i < strv_len(w); i += 2) {
		const char *opt = strv_get(w, i);
		if (strncmp(opt, "--", 2) != 0 || i + 1 >= strv_len(w))
			return false;
		if (strcmp(opt, "--key") == 0) {
			*key = strv_get(w, i + 1);
			if (!server_key_name_valid(*key))
				return false;
			continue;
		}
		key_options_add(o, opt + 2, strv_get(w, i + 1), KEYS_FILE, 3, d);
	}
	return *key && diag_count(d) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strv *w = strv_new();
	fuzz_lines(data, size, add_word, w);
	struct key_options *o = key_options_new();
	struct diag *d = diag_new();
	const char *key = NULL;
	if (parse(w, &key, o, d)) {
		struct key_settings k;
		bool checked = key_options_check(o, conf, key, KEYS_FILE, 3, d);
		bool resolved = server_conf_resolve(conf, key, o, KEYS_FILE, 3, &k, d);
		if ((!checked || !resolved) && diag_count(d) == 0)
			abort(); /* a refusal must say why */
		if (resolved && strcmp(k.name, key) != 0)
			abort();
	}
	diag_free(d);
	key_options_free(o);
	strv_free(w);
	return 0;
}
