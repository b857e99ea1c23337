/* ssh-keyscan's output, which the server decides (sshdial init): known_hosts_scan_lines
 * keeps only whole "NAME TYPE BASE64" lines, each once, none with a line break, a comment
 * or a fourth field; and the fingerprint readers on the same text. */
#include <stdlib.h>
#include <string.h>

#include "conf/known_hosts.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strdup(data, size);
	struct strv *v = known_hosts_scan_lines(s);
	for (size_t i = 0; i < strv_len(v); i++) {
		const char *l = strv_get(v, i);
		if (strpbrk(l, "\n\r") || l[0] == '#' || l[0] == ' ' || !*l)
			abort(); /* a line that would break or fake a known_hosts line */
		size_t fields = 0;
		for (const char *c = l; *c;) {
			c += strspn(c, " \t");
			if (*c)
				fields++;
			c += strcspn(c, " \t");
		}
		if (fields != 3)
			abort();
		for (size_t j = 0; j < i; j++)
			if (strcmp(strv_get(v, j), l) == 0)
				abort();
	}
	strv_free(v);
	char fp[128];
	if (known_hosts_fingerprint(s, fp, sizeof(fp)) &&
	    (strncmp(fp, "SHA256:", 7) != 0 || !known_hosts_fingerprint_matches(fp, fp)))
		abort();
	free(s);
	return 0;
}
