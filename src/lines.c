#include "lines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lines_read(const char *path, struct diag *d, lines_fn fn, void *arg)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		diag_add(d, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		fn(arg, line, lineno);
	}
	if (ferror(f))
		diag_add(d, path, 0, "cannot read: %s", strerror(errno));
	free(line);
	fclose(f);
	return 0;
}
