#include "daemon/orphans.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl/rundir.h"
#include "lib/log.h"
#include "lib/proc.h"

/* Whether argv (NUL-separated, n bytes) holds the word pair "a b". */
static bool has_pair(const char *argv, size_t n, const char *a, const char *b)
{
	const char *end = argv + n;
	for (const char *w = argv; w < end; w += strlen(w) + 1) {
		const char *next = w + strlen(w) + 1;
		if (next < end && strcmp(w, a) == 0 && strcmp(next, b) == 0)
			return true;
	}
	return false;
}

static bool is_our_pppd(pid_t pid, const char *peer)
{
	char argv[4096];
	size_t n = proc_read(pid, "cmdline", argv, sizeof(argv));
	if (!n)
		return false;
	const char *base = strrchr(argv, '/');
	return strcmp(base ? base + 1 : argv, "pppd") == 0 &&
	       has_pair(argv, n, "ip-up-script", rundir_hook(HOOK_IP_UP)) &&
	       has_pair(argv, n, "linkname", peer);
}

int orphans_end(const char *peer)
{
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	int found = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid_t pid = (pid_t)strtol(de->d_name, NULL, 10);
		if (pid == getpid() || !is_our_pppd(pid, peer))
			continue;
		log_warn("%s: ending pppd %d, left running by an sshdial that was killed", peer,
		         (int)pid);
		kill(pid, SIGTERM);
		found++;
	}
	closedir(d);
	return found;
}
