/* The classifier of ssh's stderr and pppd's log: the input is what the two wrote, cut into
 * lines as dial.c's reader does (a trailing CR dropped, empty lines skipped, an overlong
 * line cut at the reader's buffer), each line given to failure_from_ssh_line and
 * failure_from_pppd_line as link.c does (and to attempt_step_of_pppd_line); its first byte is
 * pppd's exit status, its second ssh's (one of the statuses that mean something) and how ssh ended
 * (FAILURE_SSH_*). */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cmd/commands.h"
#include "conf/config.h"
#include "lib/diag.h"
#include "link/attempt_deadline.h"
#include "link/failure.h"
#include "fuzz_util.h"

#define READER_LINE_MAX 1023 /* dial.c: a 1024-byte buffer, NUL included */

static struct peer *peers[2];

static struct peer *make_peer(const char *const *lines)
{
	struct diag *d = diag_new();
	struct config_reader *r = config_read_init("office", "/etc/sshdial/peers/office", d);
	for (unsigned i = 0; lines[i]; i++)
		config_read_line(r, lines[i], i + 1);
	struct peer *p = config_read_finish(r);
	if (!p) {
		diag_print(d, stderr);
		abort();
	}
	diag_free(d);
	return p;
}

static void free_peers(void)
{
	peer_free(peers[0]);
	peer_free(peers[1]);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	static const char *const ssh[] = {"host gw.example.org", "local-user root",
	                                  "known-hosts /etc/sshdial/known_hosts", NULL};
	static const char *const pty[] = {"pty 'ssh -e none pppuser@gw.example.org false'", NULL};
	peers[0] = make_peer(ssh);
	peers[1] = make_peer(pty);
	atexit(free_peers);
	return 0;
}

static void check(const struct failure *f)
{
	if (memchr(f->reason, '\0', sizeof(f->reason)) == NULL ||
	    memchr(f->fix, '\0', sizeof(f->fix)) == NULL)
		abort();
	if (f->cls == FAILURE_NONE && (f->reason[0] || f->fix[0]))
		abort();
	/* a fix is what to do about a verdict: never one without its reason */
	if (f->fix[0] && !f->reason[0])
		abort();
	(void)exit_status_of(f->cls);
	(void)failure_class_name(f->cls);
}

static void one_line(struct failure *f, char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		line[--n] = '\0';
	if (!n)
		return;
	failure_from_ssh_line(&f[0], line);
	failure_from_pppd_line(&f[1], line);
	/* link.c gives pppd's lines to the attempt deadline's classifier too. */
	enum attempt_step st = attempt_step_of_pppd_line(line);
	if (st != ATTEMPT_NO_STEP && st != ATTEMPT_AUTHENTICATED && st != ATTEMPT_IPCP_UP &&
	    st != ATTEMPT_IPV6CP_UP)
		abort();
	(void)attempt_step_name(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int ssh_status[8] = {0,        1 << 8,   126 << 8,       127 << 8,
	                                  255 << 8, 255 << 8, 9 /* killed */, 15 /* terminated */};
	if (size < 2)
		return 0;
	const struct peer *p = peers[data[0] & 1];
	int wstatus = data[0] >> 1 == 127 ? 9 : (data[0] >> 1) << 8; /* killed, or exited */
	int ssh_wstatus = ssh_status[data[1] & 7];
	unsigned how = (data[1] >> 3) & (FAILURE_SSH_SIGNALLED | FAILURE_SSH_WAS_UP);
	struct failure f[2];
	failure_clear(&f[0]);
	failure_clear(&f[1]);
	for (size_t at = 2; at < size;) {
		const uint8_t *nl = memchr(data + at, '\n', size - at);
		size_t n = nl ? (size_t)(nl - (data + at)) : size - at;
		if (n > READER_LINE_MAX)
			n = READER_LINE_MAX;
		char *line = fuzz_strdup(data + at, n);
		one_line(f, line);
		free(line);
		at += n + (nl && data + at + n == nl ? 1 : 0);
	}
	failure_from_ssh_exit(&f[0], p, ssh_wstatus, how);
	failure_from_pppd_exit(&f[1], p, wstatus);
	check(&f[0]);
	check(&f[1]);
	return 0;
}
