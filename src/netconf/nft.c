/* The masquerade table through nft(8): see nft.h.  nft reads its script on standard input;
 * its output (stdout and stderr together) is read whole and quoted when it fails. */
#include "netconf/nft.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/file_write.h"

#define NFT_OUT_MAX 4096

/* The table as one nft script: made only when there is none (a script naming an existing
 * table would add the rule a second time). */
static const char table_script[] = "table ip " NFT_TABLE " {\n"
                                   "\tset clients {\n"
                                   "\t\ttype ipv4_addr . ifname\n"
                                   "\t}\n"
                                   "\tchain postrouting {\n"
                                   "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
                                   "\t\tip saddr . oifname @clients masquerade\n"
                                   "\t}\n"
                                   "}\n";

/* Runs nft with args, script (may be NULL) on its stdin; out gets what it printed, NUL
 * terminated, cut at len.  nft's exit status, or -1 after logging why it did not run. */
static int run(const char *label, const char *const *args, const char *script, char *out,
               size_t len)
{
	int in[2], o[2];
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(o, O_CLOEXEC) < 0) {
		log_error("%s: cannot run %s: pipe: %s", label, NFT_PATH, strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		log_error("%s: cannot run %s: fork: %s", label, NFT_PATH, strerror(errno));
		close(in[0]), close(in[1]), close(o[0]), close(o[1]);
		return -1;
	}
	if (pid == 0) {
		char *argv[8] = {(char *)"nft"};
		size_t n = 1;
		for (; args[n - 1] && n < 7; n++)
			argv[n] = (char *)args[n - 1];
		argv[n] = NULL;
		if (dup2(in[0], 0) < 0 || dup2(o[1], 1) < 0 || dup2(o[1], 2) < 0)
			_exit(126);
		char *const envp[] = {(char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
		execve(NFT_PATH, argv, envp);
		dprintf(2, "cannot run %s: %s", NFT_PATH, strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(o[1]);
	if (script)
		(void)write_all(in[1], script, strlen(script));
	close(in[1]);
	size_t at = 0;
	for (;;) {
		char buf[512];
		ssize_t r = read(o[0], buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		size_t take = (size_t)r < len - 1 - at ? (size_t)r : len - 1 - at;
		memcpy(out + at, buf, take); /* what does not fit is read and dropped */
		at += take;
	}
	out[at] = '\0';
	close(o[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		log_error("%s: %s; install nftables", label, out);
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* nft's message on one line: its newlines become '|', trailing ones dropped. */
static const char *one_line(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	for (char *p = s; *p; p++)
		if (*p == '\n')
			*p = '|';
	return s;
}

static int lock(const char *label)
{
	int fd = open(NFT_LOCK, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		log_error("%s: cannot lock %s: %s", label, NFT_LOCK, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static bool table_exists(const char *label, bool *exists)
{
	static const char *const args[] = {"list", "table", "ip", NFT_TABLE, NULL};
	char out[NFT_OUT_MAX];
	int rc = run(label, args, NULL, out, sizeof(out));
	if (rc < 0)
		return false;
	/* nft's own form for a missing table: its first line, then the command quoted. */
	static const char missing[] = "Error: No such file or directory\n";
	*exists = rc == 0;
	if (rc != 0 && strncmp(out, missing, sizeof(missing) - 1) != 0) {
		log_error("%s: nft list table ip %s: %s", label, NFT_TABLE, one_line(out));
		return false;
	}
	return true;
}

int nft_masq_element(char *buf, size_t len, struct in_addr addr, const char *oifname)
{
	char a[INET_ADDRSTRLEN];
	size_t n = strnlen(oifname, IF_NAMESIZE);
	if (n == 0 || n >= IF_NAMESIZE || strpbrk(oifname, "\"\\ \t\n/:") ||
	    !inet_ntop(AF_INET, &addr, a, sizeof(a)))
		return -1;
	int w = snprintf(buf, len, "%s . \"%s\"", a, oifname);
	return w < 0 || (size_t)w >= len ? -1 : w;
}

int nft_masq_add(const char *label, struct in_addr addr, const char *oifname)
{
	char elem[64];
	static const char *const args[] = {"-f", "-", NULL};
	bool exists = false;

	if (nft_masq_element(elem, sizeof(elem), addr, oifname) < 0) {
		log_error("%s: masquerade: bad interface name \"%s\"", label, oifname);
		return -1;
	}
	int fd = lock(label);
	if (fd < 0)
		return -1;
	int rc = -1;
	if (table_exists(label, &exists)) {
		char script[sizeof(table_script) + 128], out[NFT_OUT_MAX];
		snprintf(script, sizeof(script), "%sadd element ip %s clients { %s }\n",
		         exists ? "" : table_script, NFT_TABLE, elem);
		rc = run(label, args, script, out, sizeof(out));
		if (rc > 0)
			log_error("%s: nft: cannot masquerade %s: %s", label, elem, one_line(out));
	}
	close(fd);
	return rc == 0 ? 0 : -1;
}

int nft_masq_remove(const char *label, struct in_addr addr, const char *oifname)
{
	char elem[64], script[128], out[NFT_OUT_MAX];
	static const char *const args[] = {"-f", "-", NULL};
	static const char *const list[] = {"list", "set", "ip", NFT_TABLE, "clients", NULL};
	bool exists = false;

	if (nft_masq_element(elem, sizeof(elem), addr, oifname) < 0)
		return -1;
	int fd = lock(label);
	if (fd < 0)
		return -1;
	int result = -1;
	if (!table_exists(label, &exists))
		goto out;
	result = 0;
	if (!exists)
		goto out;
	/* Deleting an element that is not there fails; so does the whole script then. */
	snprintf(script, sizeof(script), "delete element ip %s clients { %s }\n", NFT_TABLE, elem);
	int rc = run(label, args, script, out, sizeof(out));
	if (rc == 0)
		result = 1;
	else if (rc < 0 || !strstr(out, ": Error: Could not process rule: No such file or "
	                                "directory\n"))
		log_warn("%s: nft: cannot remove %s from the masquerade: %s", label, elem,
		         rc < 0 ? "nft did not run" : one_line(out));
	/* The last pair gone: the table goes too.  An empty set lists no "elements". */
	if (run(label, list, NULL, out, sizeof(out)) == 0 && !strstr(out, "elements = {")) {
		snprintf(script, sizeof(script), "delete table ip %s\n", NFT_TABLE);
		if (run(label, args, script, out, sizeof(out)) != 0)
			log_warn("%s: nft: cannot delete table ip %s: %s", label, NFT_TABLE,
			         one_line(out));
	}
out:
	close(fd);
	return result;
}

bool nft_default_ifname(char *buf, size_t len)
{
	FILE *f = fopen("/proc/net/route", "re");
	char line[256], name[IF_NAMESIZE + 1], best[IF_NAMESIZE] = "";
	unsigned long dst, mask, metric, best_metric = ~0ul;
	unsigned flags;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		/* Iface Destination Gateway Flags RefCnt Use Metric Mask ... (hex) */
		if (sscanf(line, "%16s %lx %*x %x %*d %*d %lu %lx", name, &dst, &flags, &metric,
		           &mask) == 5 &&
		    dst == 0 && mask == 0 && (flags & 1) && metric < best_metric &&
		    strlen(name) < sizeof(best)) {
			best_metric = metric;
			strcpy(best, name);
		}
	}
	fclose(f);
	if (!best[0] || strlen(best) >= len)
		return false;
	strcpy(buf, best);
	return true;
}
