#include "link/dial_channel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "frames/frame_relay.h"
#include "frames/l2tp_link.h"

struct dial_channel {
	/* transport pty */
	int master, slave;
	char tty[64];
	/* transport frames */
	struct l2tp_link *l2tp;
	bool frames;     /* this attempt's transport, after the relay too */
	int to_ssh[2];   /* the relay writes [1], ssh reads [0] */
	int from_ssh[2]; /* ssh writes [1], the relay reads [0] */
	struct frame_relay *relay;
	struct event_loop *loop;
	const char *where;
	dial_channel_ended_fn *ended;
	void *arg;
	struct err why; /* the relay's last words, until the loop's next turn */
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int open_pty(struct dial_channel *c, const struct peer *p, struct err *e)
{
	c->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (c->master < 0 || grantpt(c->master) < 0 || unlockpt(c->master) < 0 ||
	    ptsname_r(c->master, c->tty, sizeof(c->tty)) != 0) {
		return err_log(err_errno(e, errno, peer_name(p), "is devpts mounted on /dev/pts?",
		                         "cannot allocate a pseudo-terminal"));
	}
	/* sshdial holds the slave open for the link's lifetime, so ssh never reads EOF from
	 * a slave nobody has opened yet; raw from the start, so nothing is echoed back. */
	c->slave = open(c->tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	struct termios t;
	if (c->slave < 0 || tcgetattr(c->slave, &t) < 0) {
		return err_log(err_errno(e, errno, peer_name(p), NULL, "cannot open %s", c->tty));
	}
	cfmakeraw(&t);
	tcsetattr(c->slave, TCSANOW, &t);
	return 0;
}

static int open_frames(struct dial_channel *c, const struct peer *p, struct err *e)
{
	c->l2tp = l2tp_link_open(peer_name(p), e);
	if (!c->l2tp)
		return -1;
	/* Not logged here: the caller logs it, or auto falls back to the pty. */
	if (pipe2(c->to_ssh, O_CLOEXEC) < 0 || pipe2(c->from_ssh, O_CLOEXEC) < 0) {
		err_errno(e, errno, peer_name(p), NULL, "cannot create a pipe for ssh");
		return -1;
	}
	return 0;
}

/* The frame channel's part: the tunnel and session, and ssh's two pipes. */
static void close_frames(struct dial_channel *c)
{
	l2tp_link_close(c->l2tp);
	c->l2tp = NULL;
	int *ends[] = {&c->to_ssh[0], &c->to_ssh[1], &c->from_ssh[0], &c->from_ssh[1]};
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
		close_fd(ends[i]);
}

struct dial_channel *dial_channel_open(const struct peer *p, enum dial_transport how,
                                       struct err *fell_back, struct err *e)
{
	struct dial_channel *c = xcalloc(1, sizeof(*c));
	c->master = c->slave = -1;
	c->to_ssh[0] = c->to_ssh[1] = c->from_ssh[0] = c->from_ssh[1] = -1;
	c->where = peer_name(p);
	err_clear(fell_back);
	int rc;
	if (how == DIAL_PTY) {
		rc = open_pty(c, p, e);
	} else if ((rc = open_frames(c, p, e)) < 0 && how == DIAL_FRAMES_OR_PTY) {
		/* auto: this machine cannot make the channel; the pseudo-terminal instead. */
		*fell_back = *e;
		err_clear(e);
		close_frames(c);
		rc = open_pty(c, p, e);
	} else if (rc < 0) {
		err_log(e);
	} else {
		c->frames = true;
	}
	if (rc < 0) {
		dial_channel_close(c);
		return NULL;
	}
	return c;
}

bool dial_channel_frames(const struct dial_channel *c)
{
	return c->frames;
}

const char *dial_channel_tty(const struct dial_channel *c)
{
	return c->l2tp ? NULL : c->tty;
}

int dial_channel_session_fd(const struct dial_channel *c)
{
	return c->l2tp ? l2tp_link_session_fd(c->l2tp) : -1;
}

void dial_channel_pppd_forked(struct dial_channel *c)
{
	if (c->l2tp)
		l2tp_link_release_session(c->l2tp);
}

int dial_channel_ssh_in(const struct dial_channel *c)
{
	return c->l2tp ? c->to_ssh[0] : c->master;
}

int dial_channel_ssh_out(const struct dial_channel *c)
{
	return c->l2tp ? c->from_ssh[1] : c->master;
}

/* Whether ssh has closed its output: the relay's stream ended because ssh is ending.
 * Otherwise the relay stopped on what the server sent. */
static bool ssh_output_ended(int fd)
{
	char b[512];
	ssize_t n;
	while ((n = read(fd, b, sizeof(b))) < 0 && errno == EINTR)
		;
	return n == 0;
}

/* The relay's counters (for --verbose), then the relay gone. */
static void free_relay(struct dial_channel *c)
{
	char text[400];
	frame_relay_stats_text(c->relay, "the ssh channel", text, sizeof(text));
	log_debug("%s: frame relay: %s", c->where, text);
	frame_relay_free(c->relay);
	c->relay = NULL;
}

/* From the loop, not from within the relay's own call. */
static void on_relay_gone(void *arg)
{
	struct dial_channel *c = arg;
	bool eof = ssh_output_ended(c->from_ssh[0]);
	free_relay(c);
	/* The tunnel goes with its sockets; what pppd still sends is dropped.  (ssh's ends of
	 * the pipes were closed when it was forked.) */
	close_frames(c);
	c->ended(c->arg, &c->why, eof);
}

static void on_relay_ended(void *arg, const struct err *e)
{
	struct dial_channel *c = arg;
	c->why = *e;
	event_timer_set(c->loop, 0, on_relay_gone, c);
}

static const struct frame_relay_ops relay_ops = {.ended = on_relay_ended};

int dial_channel_ssh_forked(struct dial_channel *c, struct event_loop *loop,
                            dial_channel_ended_fn *ended, void *arg, struct err *e)
{
	if (!c->l2tp) {
		close_fd(&c->master);
		return 0;
	}
	close_fd(&c->to_ssh[0]);
	close_fd(&c->from_ssh[1]);
	c->loop = loop;
	c->ended = ended;
	c->arg = arg;
	c->relay = frame_relay_new(loop, c->l2tp, c->from_ssh[0], c->to_ssh[1], FRAME_RELAY_CLIENT,
	                           c->where, &relay_ops, c, e);
	return c->relay ? 0 : err_log(e);
}

void dial_channel_close(struct dial_channel *c)
{
	if (!c)
		return;
	if (c->loop)
		event_timer_cancel_all(c->loop, c);
	if (c->relay)
		free_relay(c);
	close_frames(c);
	close_fd(&c->master);
	close_fd(&c->slave);
	free(c);
}
