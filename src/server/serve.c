/* sshdial serve: the forced command of an authorized_keys line.  It picks the key's
 * address (fixed, or leased from the pool), then becomes pppd on the ssh channel with
 * the key's settings.  stdout is the PPP link itself: nothing may be printed there.
 * Messages go to syslog (and the log-file of server.conf); a refusal also goes to
 * stderr, which ssh shows the client. */
#include <arpa/inet.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "server/serve.h"

#include "server/authorized_keys.h"
#include "server/lease.h"
#include "lib/err.h"
#include "lib/log.h"
#include "conf/pppd_options.h"
#include "lib/exit_status.h"
#include "lib/proc.h"
#include "frames/frame_relay.h"
#include "frames/l2tp_link.h"
#include "server/serve_forward.h"
#include "server/serve_frames.h"
#include "server/serve_log.h"
#include "server/serve_pppd.h"
#include "server/serve_request.h"
#include "server/server_conf.h"

struct serve {
	const char *key;
	char keys_file[4096]; /* the authorized_keys file, for messages */
	unsigned keys_line;   /* this key's line in it, 0 if not found */
	struct server_conf *conf;
	struct key_options *opts;
	struct key_settings settings;
	struct lease *lease;
	bool log_file_ok; /* the log-file is a regular file: pppd may append to it too */
	enum serve_request request;
};

static void refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The client asked for the frame transport and nothing has been written on the channel
 * yet: a refusal is also said there, as FRAME_REFUSED's line, where the client reads it
 * instead of the greeting (frames/frame_relay.h), so that its verdict is the server's. */
static bool refuse_on_stream;

/* To syslog, and to the client, who otherwise sees only that the link did not come up. */
static void refuse(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("%s", msg);
	char line[1100];
	snprintf(line, sizeof(line), SERVE_SAYS "%s", msg);
	log_print_line(stderr, line); /* escaped: msg quotes the request and the files */
	if (refuse_on_stream) {
		/* One line, the first refusal only: the reason, not what followed from it. */
		refuse_on_stream = false;
		char escaped[4 * sizeof(line)];
		log_escape(escaped, sizeof(escaped), line);
		fprintf(stdout, "%s%s\n", FRAME_REFUSED, escaped);
		fflush(stdout);
	}
}

static void refuse_diag(const char *key, struct diag *d)
{
	for (size_t i = 0; i < diag_count(d); i++)
		refuse("key %s: %s", key ? key : "?", diag_get(d, i));
}

static void serve_usage(FILE *f)
{
	fprintf(f, "usage: sshdial serve --key NAME [--address A] [--mtu N] [--mru N] [--dns A] "
	           "[--pap yes|no] [--proxyarp yes|no]\n"
	           "       sshdial serve --check [--config FILE]\n"
	           "serve runs as the forced command of an authorized_keys line (see "
	           "'sshdial authorize')\n");
}

/* 'sshdial serve --check': the administrator's test of server.conf. */
static int serve_check(int argc, char **argv)
{
	const char *path = SERVER_CONF_PATH;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			path = argv[++i];
		} else if (strcmp(argv[i], "--check") != 0) {
			serve_usage(stderr);
			return EXIT_CONFIG;
		}
	}
	struct diag *d = diag_new();
	struct server_conf *c = server_conf_load(path, d);
	diag_print(d, stderr);
	diag_free(d);
	if (!c)
		return EXIT_CONFIG;
	printf("%s: configuration OK\n", path);
	server_conf_free(c);
	return EXIT_OK;
}

/* sshd's default AuthorizedKeysFile: where the line that started us most likely is. */
static void home_keys_file(char *path, size_t len)
{
	const struct passwd *pw = getpwuid(getuid());
	snprintf(path, len, "%s/.ssh/authorized_keys", pw ? pw->pw_dir : "~");
}

/* --key NAME and the key's options, each "--KEYWORD VALUE". */
static int parse_args(struct serve *s, int argc, char **argv, struct diag *d)
{
	/* sshd ran the line's command through the shell: main's argv is its words, and
	 * argv[-1] (the binary's path as written there) is part of it. */
	home_keys_file(s->keys_file, sizeof(s->keys_file));
	s->keys_line = authorized_keys_locate(s->keys_file, argc + 1, argv - 1);
	s->opts = key_options_new();
	for (int i = 1; i < argc; i += 2) {
		if (strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc) {
			diag_add(
			    d, s->keys_file, s->keys_line,
			    "serve: '%s' is not an option with a value; write '--KEYWORD VALUE'",
			    argv[i]);
			return -1;
		}
		if (strcmp(argv[i], "--key") == 0) {
			s->key = argv[i + 1];
			if (!server_key_name_valid(s->key)) {
				diag_add(d, s->keys_file, s->keys_line,
				         "serve: --key '%s' is not a valid key name", s->key);
				return -1;
			}
			continue;
		}
		key_options_add(s->opts, argv[i] + 2, argv[i + 1], s->keys_file, s->keys_line, d);
	}
	if (!s->key)
		diag_add(d, s->keys_file, s->keys_line,
		         "serve: no --key NAME; write the line with 'sshdial authorize'");
	return diag_count(d) ? -1 : 0;
}

static bool pool_usable(void *arg, struct in_addr a)
{
	const struct server_conf *c = arg;
	return server_conf_in_pool(c, a) && !server_conf_address_fixed(c, a);
}

/* How long an old connection of the same key gets to end after SIGTERM: pppd says
 * goodbye to a peer that may be gone (its LCP terminate requests time out). */
#define TAKEOVER_WAIT_MS 10000

/* pid is a pppd of this account (its real uid is ours): one that this account's serve
 * became, not whatever process a lease file might name. */
static bool own_pppd(pid_t pid)
{
	struct proc_ids ids;
	return proc_comm_is(pid, "pppd") && proc_ids_read(pid, &ids) && ids.ruid == getuid();
}

/* A key with a fixed address that connects again while its old connection still holds
 * the address is, almost always, the same client back after its network failed: the old
 * session is stale (its TCP connection has not noticed yet).  Ending it now brings the
 * client back in seconds instead of after the server's LCP echo timeout. */
static int take_over_stale(struct serve *s)
{
	const char *dir = server_conf_lease_dir(s->conf);
	char holder_key[64] = "";
	struct err e;
	/* The holder is the process that holds the lock, not the pid the file names. */
	pid_t pid = lease_holder_pid(dir, s->settings.address, holder_key, sizeof(holder_key));
	if (pid <= 0 || strcmp(holder_key, s->key) != 0)
		return -1;
	/* The pidfd pins the process: what is checked is what gets the signal. */
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0 || !own_pppd(pid) ||
	    syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0) < 0) {
		if (pidfd >= 0)
			close(pidfd);
		return -1;
	}
	log_info("key %s: connected again; ending its old connection (pppd pid %d)", s->key,
	         (int)pid);
	struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
	int ended = poll(&pfd, 1, TAKEOVER_WAIT_MS);
	close(pidfd);
	if (ended != 1)
		return -1;
	return lease_take(dir, s->settings.address, s->key, &s->lease, &e) == LEASE_OK ? 0 : -1;
}

static int take_address(struct serve *s)
{
	char msg[ERR_LINE_MAX];
	struct err e;
	const char *dir = server_conf_lease_dir(s->conf);
	enum lease_result r =
	    s->settings.has_address
	        ? lease_take(dir, s->settings.address, s->key, &s->lease, &e)
	        : lease_take_from_pool(dir, server_conf_pool(s->conf), pool_usable, s->conf, s->key,
	                               &s->lease, &e);
	if (r == LEASE_OK)
		return 0;
	err_format(&e, msg, sizeof(msg));
	if (r == LEASE_BUSY && s->settings.has_address && take_over_stale(s) == 0)
		return 0;
	if (r == LEASE_BUSY)
		refuse("key %s: %s; refusing this connection", s->key, msg);
	else
		refuse("key %s: %s (run 'sshdial authorize --install' as root to create %s)",
		       s->key, msg, dir);
	return -1;
}

static void note_request(struct serve *s)
{
	const char *key = s->key;
	const char *cmd = getenv("SSH_ORIGINAL_COMMAND");
	char quoted[128];
	s->request = serve_request_classify(cmd);
	if (s->request != SERVE_REQUEST_IGNORED)
		return;
	serve_request_quote(cmd, quoted, sizeof(quoted));
	log_warn("key %s: ignored the client's command '%s': only pppd runs, with the server's "
	         "options",
	         key, quoted);
}

/* The frame transport, when the client asked for it and this server can: the L2TP
 * tunnel made and the relay forked off (serve_frames.c).  When it cannot, it says why
 * and the client is served the classic way (its relay then says what to set). */
static struct l2tp_link *start_frames(struct serve *s)
{
	if (s->request != SERVE_REQUEST_FRAMES)
		return NULL;
	char options[256], where[128];
	serve_pppd_peers_path(options, sizeof(options), s->settings.pap, true);
	if (access(options, R_OK) != 0) {
		log_warn("key %s: the client asked for the frame transport, but %s cannot be read "
		         "(%s); serving it on the pty transport: run 'sshdial authorize --install' "
		         "as root",
		         s->key, options, strerror(errno));
		return NULL;
	}
	snprintf(where, sizeof(where), "key %s", s->key);
	struct err e;
	struct l2tp_link *link = l2tp_link_open(where, &e);
	if (!link) {
		char msg[ERR_LINE_MAX];
		log_warn("%s; the client asked for the frame transport: serving it on the pty "
		         "transport",
		         err_format(&e, msg, sizeof(msg)));
		return NULL;
	}
	if (serve_frames_fork(s->key, link, s->lease) < 0) {
		l2tp_link_close(link);
		return NULL;
	}
	refuse_on_stream = false; /* the relay has the channel now */
	return link;
}

/* pppd on the session, not on the channel: nothing of it may reach the client's stream. */
static int channel_to_null(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int exec_pppd(struct serve *s)
{
	char options[256];
	serve_pppd_peers_path(options, sizeof(options), s->settings.pap, false);
	if (access(options, R_OK) != 0) {
		refuse("key %s: cannot read %s: %s; run 'sshdial authorize --install' as root",
		       s->key, options, strerror(errno));
		return EXIT_SYSTEM;
	}
	struct l2tp_link *link = start_frames(s);
	if (link && channel_to_null() < 0) {
		/* The relay already wrote the magic: too late for the classic way. */
		refuse("key %s: cannot move pppd off the ssh channel: %s", s->key, strerror(errno));
		return EXIT_SYSTEM;
	}
	struct serve_pppd_params p = {
	    .local = server_conf_local(s->conf),
	    .remote = lease_address(s->lease),
	    .echo_interval = server_conf_echo_interval(s->conf),
	    .echo_failure = server_conf_echo_failure(s->conf),
	    .log_file = s->log_file_ok ? server_conf_log_file(s->conf) : NULL,
	    .frames = link != NULL,
	    .session_fd = link ? l2tp_link_session_fd(link) : -1,
	};
	char addr[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &p.remote, addr, sizeof(addr));
	log_info("key %s: starting pppd for %s (%s address)%s%s", s->key, addr,
	         s->settings.has_address ? "fixed" : "pool",
	         s->settings.pap ? ", PAP required" : "", link ? ", frame transport" : "");
	struct strv *v = serve_pppd_argv(&s->settings, &p);
	/* The lease's descriptor stays open across exec: pppd holds the lease from now on;
	 * so does the session's, pppd's link. */
	execv(PPPD_PATH, strv_argv(v));
	refuse("key %s: cannot run %s: %s", s->key, PPPD_PATH, strerror(errno));
	strv_free(v);
	return EXIT_SYSTEM;
}

/* sshdial check --dial's probe: what a link would meet, said on the channel, without
 * taking the lease or starting pppd (no lock to take over, nothing left behind). */
static int probe(struct serve *s)
{
	const char *dir = server_conf_lease_dir(s->conf);
	char options[256];
	serve_pppd_peers_path(options, sizeof(options), s->settings.pap, false);
	if (access(dir, W_OK | X_OK) != 0) {
		refuse("key %s: lease directory %s: %s; is it writable by this account (group %s)? "
		       "(run 'sshdial authorize --install' as root)",
		       s->key, dir, strerror(errno), LEASE_GROUP);
		return EXIT_SYSTEM;
	}
	if (access(options, R_OK) != 0) {
		refuse("key %s: cannot read %s: %s; run 'sshdial authorize --install' as root",
		       s->key, options, strerror(errno));
		return EXIT_SYSTEM;
	}
	char frames[256];
	serve_pppd_peers_path(frames, sizeof(frames), s->settings.pap, true);
	char addr[INET_ADDRSTRLEN] = "";
	if (s->settings.has_address)
		inet_ntop(AF_INET, &s->settings.address, addr, sizeof(addr));
	log_info("key %s: answered a probe (sshdial check --dial)", s->key);
	printf("%skey %s, %s%s, PAP %s, frame transport %s\n", SERVE_PROBE_ANSWER, s->key,
	       addr[0] ? "fixed address " : "an address from the pool", addr,
	       s->settings.pap ? "required" : "not required",
	       access(frames, R_OK) == 0 ? "offered" : "not offered");
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_SYSTEM;
}

int serve_main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--check") == 0)
			return serve_check(argc, argv);
		if (strcmp(argv[i], "--forward-only") == 0)
			return serve_forward_only_main(argc, argv);
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			serve_usage(stdout);
			return EXIT_OK;
		}
	}
	log_open("sshdial-serve", true);
	enum serve_request asked = serve_request_classify(getenv("SSH_ORIGINAL_COMMAND"));
	refuse_on_stream = asked == SERVE_REQUEST_FRAMES || asked == SERVE_REQUEST_PROBE;
	struct serve s = {0};
	struct diag *d = diag_new();
	int status = EXIT_CONFIG;
	int parsed = parse_args(&s, argc, argv, d);
	/* Even when the line is bad: the log-file is where the administrator looks. */
	s.conf = server_conf_load(SERVER_CONF_PATH, d);
	if (s.conf)
		s.log_file_ok = serve_log_open(s.conf, SERVE_LOG_SESSION);
	if (parsed < 0 || !s.conf)
		goto out;
	note_request(&s);
	if (!server_conf_resolve(s.conf, s.key, s.opts, s.keys_file, s.keys_line, &s.settings, d))
		goto out;
	status = EXIT_SYSTEM;
	if (s.request == SERVE_REQUEST_PROBE)
		status = probe(&s);
	else if (take_address(&s) == 0)
		status = exec_pppd(&s);
out:
	refuse_diag(s.key, d);
	diag_free(d);
	lease_release(s.lease);
	key_options_free(s.opts);
	server_conf_free(s.conf);
	return status;
}
