/* A fake dial driver (link/dial_driver.h) for unit tests of the link and of the daemon's
 * entries: it stands in for ssh and pppd, and the test plays their part (their lines and
 * their exits).  "pppd" is the test process's parent, so that hook events sent by the test
 * itself (its child) come from "pppd". */
#ifndef SSHDIAL_TEST_FAKE_DIAL_H
#define SSHDIAL_TEST_FAKE_DIAL_H

#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "link/dial_driver.h"

#define FK_RING 4 /* attempts remembered by start order, for links dialing at once */

struct fake_dial {
	const struct dial_ops *ops;
	void *arg;
	size_t server;
	bool running[2];
	int signo[2]; /* the last signal each was sent; 0 none */
};

static struct {
	unsigned starts, live;
	struct fake_dial *cur;               /* the attempt started last, while it lives */
	struct fake_dial *by_start[FK_RING]; /* start number % FK_RING, while it lives */
	enum failure_class start_fails;      /* FAILURE_NONE: starts */
	size_t servers[16];                  /* the server of each start */
	bool frames;                         /* the attempts dial the frame transport */
} fk;

static struct dial *fk_start(struct event_loop *loop, const struct peer *p,
                             const struct dial_hooks *hooks, const struct dial_ops *ops, void *arg,
                             enum failure_class *status, struct err *e)
{
	(void)loop;
	(void)p;
	(void)e;
	if (fk.start_fails) {
		*status = fk.start_fails;
		return NULL;
	}
	struct fake_dial *d = calloc(1, sizeof(*d));
	assert_non_null(d);
	*d = (struct fake_dial){.ops = ops, .arg = arg, .server = hooks->server};
	d->running[DIAL_SSH] = d->running[DIAL_PPPD] = true;
	if (fk.starts < 16)
		fk.servers[fk.starts] = hooks->server;
	fk.by_start[fk.starts % FK_RING] = d;
	fk.starts++;
	fk.live++;
	fk.cur = d;
	return (struct dial *)d;
}

static pid_t fk_pid(const struct dial *d, enum dial_proc which)
{
	(void)d;
	return which == DIAL_PPPD ? getppid() : -1;
}

static bool fk_running(const struct dial *d, enum dial_proc which)
{
	return d && ((const struct fake_dial *)d)->running[which];
}

static void fk_signal(struct dial *d, enum dial_proc which, int signo)
{
	struct fake_dial *f = (struct fake_dial *)d;
	if (f && f->running[which])
		f->signo[which] = signo;
}

static bool fk_signalled(const struct dial *d, enum dial_proc which)
{
	return d && ((const struct fake_dial *)d)->signo[which] != 0;
}

static bool fk_frames(const struct dial *d)
{
	(void)d;
	return fk.frames;
}

static const struct err *fk_fell_back(const struct dial *d)
{
	(void)d;
	return NULL;
}

static void fk_free(struct dial *d)
{
	for (unsigned i = 0; i < FK_RING; i++)
		if (fk.by_start[i] == (struct fake_dial *)d)
			fk.by_start[i] = NULL;
	if (fk.cur == (struct fake_dial *)d)
		fk.cur = NULL;
	fk.live--;
	free(d);
}

static const struct dial_driver fake = {.start = fk_start,
                                        .pid = fk_pid,
                                        .running = fk_running,
                                        .signal = fk_signal,
                                        .signalled = fk_signalled,
                                        .frames = fk_frames,
                                        .fell_back = fk_fell_back,
                                        .free = fk_free};

#endif
