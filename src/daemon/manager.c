#include "daemon/manager.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/config.h"
#include "ctl/control.h"
#include "ctl/lockdown.h"
#include "ctl/rundir.h"
#include "daemon/entry.h"
#include "daemon/orphans.h"
#include "daemon/status.h"
#include "lib/log.h"
#include "lib/text.h"
#include "lib/xalloc.h"

/* The list of links, in name order (status lists them so). */
struct node {
	struct entry *e;
	bool seen; /* by the reload under way */
	struct node *next;
};

/* A peer file the last reload refused: its name and first error, for status. */
struct refused {
	char *name;
	char *error;
	struct refused *next;
};

struct manager {
	struct event_loop *loop;
	struct refused *refused; /* in name order */
	char *peers_dir;
	struct node *nodes;
	struct dial_queue *dq;
	void (*all_down)(void *arg);
	void *all_down_arg;
	bool stopping;
};

static struct node *find_node(struct manager *m, const char *name)
{
	for (struct node *n = m->nodes; n; n = n->next)
		if (strcmp(entry_name(n->e), name) == 0)
			return n;
	return NULL;
}

static struct entry *find(struct manager *m, const char *name)
{
	struct node *n = find_node(m, name);
	return n ? n->e : NULL;
}

static void check_all_down(struct manager *m)
{
	if (!m->stopping || !m->all_down)
		return;
	for (struct node *n = m->nodes; n; n = n->next)
		if (entry_running(n->e))
			return;
	void (*fn)(void *) = m->all_down;
	m->all_down = NULL;
	fn(m->all_down_arg);
}

/* An entry's link has ended and been torn down: forget a removed peer, see whether a
 * shutdown is complete. */
static void on_entry_idle(void *arg, struct entry *e)
{
	struct manager *m = arg;
	if (entry_removed(e)) {
		struct node **pp = &m->nodes;
		while (*pp && (*pp)->e != e)
			pp = &(*pp)->next;
		struct node *n = *pp;
		if (n) {
			*pp = n->next;
			free(n);
		}
		entry_free(e);
	}
	check_all_down(m);
}

static void refused_clear(struct manager *m)
{
	while (m->refused) {
		struct refused *r = m->refused;
		m->refused = r->next;
		free(r->name);
		free(r->error);
		free(r);
	}
}

/* msgs: the loader's messages, one a line; the first is kept. */
static void refused_add(struct manager *m, const char *name, const char *msgs)
{
	struct refused *r = xcalloc(1, sizeof(*r));
	r->name = xstrdup(name);
	const char *text = msgs && msgs[0] ? msgs : "cannot be loaded";
	r->error = xstrndup(text, strcspn(text, "\n"));
	struct refused **pp = &m->refused;
	while (*pp && strcmp((*pp)->name, name) < 0)
		pp = &(*pp)->next;
	r->next = *pp;
	*pp = r;
}

static const struct refused *refused_find(const struct manager *m, const char *name)
{
	for (const struct refused *r = m->refused; r; r = r->next)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

struct manager *manager_new(struct event_loop *loop, const char *peers_dir, unsigned max_dialing)
{
	struct manager *m = xcalloc(1, sizeof(*m));
	m->loop = loop;
	m->dq = dial_queue_new(max_dialing);
	m->peers_dir = xstrdup(peers_dir ? peers_dir : SSHDIAL_PEERS_DIR);
	return m;
}

void manager_free(struct manager *m)
{
	if (!m)
		return;
	while (m->nodes) {
		struct node *n = m->nodes;
		m->nodes = n->next;
		entry_free(n->e);
		free(n);
	}
	refused_clear(m);
	dial_queue_free(m->dq);
	free(m->peers_dir);
	free(m);
}

/* A peer a dead run left: wanted up (its RUNDIR/PEER.up), or with its kill switch in force. */
struct recovered {
	char name[SAFE_NAME_MAX + 1];
	bool was_up, kill_switch;
	struct recovered *next;
};

static struct recovered *recovered_add(struct recovered **list, const char *name)
{
	for (struct recovered *r = *list; r; r = r->next)
		if (strcmp(r->name, name) == 0)
			return r;
	struct recovered *r = xcalloc(1, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->next = *list;
	*list = r;
	return r;
}

/* A journal, socket or lock in RUNDIR whose peer no process holds is a dead run's: the
 * journal's changes are undone but its kill switch, which is taken over
 * (netconf_open_adopting) and left in force for the peer's entry; the rest is removed. */
static void recover_one(const char *name, struct recovered **list)
{
	pid_t holder;
	int lock = rundir_lock(name, &holder);
	if (lock < 0)
		return; /* a live call (or another daemon) holds it: its files are its own */
	orphans_end(name);
	char journal[108], dns[108], sock[108], up[108];
	rundir_path(journal, sizeof(journal), name, "journal");
	statedir_path(dns, sizeof(dns), name, "journal");
	rundir_path(sock, sizeof(sock), name, "sock");
	rundir_path(up, sizeof(up), name, "up");
	bool kill_switch = false;
	/* The resolver file's journal outlives a reboot, which empties RUNDIR. */
	bool left = access(journal, F_OK) == 0, dns_left = access(dns, F_OK) == 0;
	if (left || dns_left) {
		log_info("%s: undoing what a run that ended without cleaning up left (%s), but its "
		         "kill switch",
		         name, left ? journal : dns);
		struct netconf *nc = entry_netconf_open(name, true);
		kill_switch = nc && netconf_adopted(nc) > 0;
		if (kill_switch)
			netconf_release(nc); /* in force, and in the journal, for the entry */
		else
			netconf_close(nc);
	}
	bool was_up = access(up, F_OK) == 0;
	unlink(up); /* entry_up writes it again for a peer dialed again */
	if (was_up || kill_switch) {
		struct recovered *r = recovered_add(list, name);
		r->was_up |= was_up;
		r->kill_switch |= kill_switch;
	}
	unlink(sock);
	rundir_unlock(name, lock);
}

static void recover_dir(const char *dir, struct recovered **list)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *dot = strrchr(de->d_name, '.');
		if (!dot || dot == de->d_name)
			continue;
		if (strcmp(dot, ".journal") && strcmp(dot, ".sock") && strcmp(dot, ".pid") &&
		    strcmp(dot, ".up"))
			continue;
		char name[SAFE_NAME_MAX + 1];
		size_t n = (size_t)(dot - de->d_name);
		if (n > SAFE_NAME_MAX)
			continue;
		memcpy(name, de->d_name, n);
		name[n] = 0;
		if (safe_name_valid(name))
			recover_one(name, list);
	}
	closedir(d);
}

static struct peer *load(struct manager *m, const char *name, struct textbuf *out);
static bool peer_lockdown_of(struct entry *e);
static bool in_dir(struct manager *m, const char *name);
static struct entry *add_entry(struct manager *m, struct peer *p, bool listed);

/* The peer's kill switch, left by a dead run, is lifted: its file cannot be loaded. */
static void drop_recovered(const struct recovered *r)
{
	char up[108], journal[108];
	pid_t holder;
	rundir_path(up, sizeof(up), r->name, "up");
	unlink(up);
	int lock = rundir_lock(r->name, &holder);
	if (lock < 0)
		return;
	rundir_path(journal, sizeof(journal), r->name, "journal");
	netconf_close(netconf_open(r->name, journal));
	rundir_unlock(r->name, lock);
}

/* A peer the dead daemon had up with its kill switch in force is dialed again, blocked until
 * it is up by the kill switch taken over; one whose kill switch was left by a run that was
 * not the daemon's up (a dead call's) stays blocked, and status says so.  A peer without a
 * kill switch comes back as before: with autostart only (its traffic was never held). */
static void resume(struct manager *m, const struct recovered *r)
{
	struct entry *e = find(m, r->name);
	if (!e) {
		struct textbuf msgs = {0};
		struct peer *p = load(m, r->name, &msgs);
		if (!p) {
			log_error(
			    "%s: a run that ended without cleaning up left it %s, but its peer "
			    "file cannot be loaded (%s): %s",
			    r->name, r->kill_switch ? "blocked" : "up",
			    msgs.data ? msgs.data : "no such file",
			    r->kill_switch ? "its kill switch is lifted" : "it is not dialed");
			textbuf_free(&msgs);
			drop_recovered(r);
			return;
		}
		textbuf_free(&msgs);
		e = add_entry(m, p, in_dir(m, r->name));
	}
	if (entry_running(e))
		return; /* autostart: dialing, the kill switch taken over */
	if (r->was_up && r->kill_switch) {
		log_info("%s: was up when the daemon ended: dialing it again, its kill switch kept "
		         "in force meanwhile",
		         r->name);
		entry_resume(e);
	} else if (r->kill_switch) {
		entry_hold(e, "the daemon restarted");
	}
}

static void collect_lockdown(void *arg, const char *peer)
{
	recovered_add(arg, peer);
}

/* kill-switch always: each peer with a lockdown record gets its block back (taking over one
 * still in force) before anything is dialed; a record whose peer file no longer asks for
 * it is removed. */
static void lockdown_start(struct manager *m)
{
	struct recovered *list = NULL;
	lockdown_each(collect_lockdown, &list);
	while (list) {
		struct recovered *r = list;
		list = r->next;
		struct entry *e = find(m, r->name);
		struct textbuf msgs = {0};
		struct peer *p = e ? NULL : load(m, r->name, &msgs);
		if (!e && p)
			e = add_entry(m, p, in_dir(m, r->name));
		if (!e || !peer_lockdown_of(e)) {
			log_warn("%s: a lockdown record (%s/%s) whose peer file %s: removed",
			         r->name, LOCKDOWN_DIR, r->name,
			         e ? "no longer says 'kill-switch always'" : "cannot be loaded");
			lockdown_clear(r->name);
		} else {
			log_info("%s: kill-switch always: blocked before anything is dialed",
			         r->name);
			entry_hold(e, "kill-switch always");
		}
		textbuf_free(&msgs);
		free(r);
	}
}

/* RUNDIR after a crash; STATEDIR also after a reboot (a power loss with a link up). */
static struct recovered *recover(void)
{
	struct recovered *list = NULL;
	recover_dir(RUNDIR, &list);
	recover_dir(STATEDIR, &list);
	return list;
}

int manager_start(struct manager *m)
{
	struct recovered *list = recover();
	lockdown_start(m);
	struct textbuf out = {0};
	manager_reload(m, &out);
	log_info_lines("start", out.data);
	textbuf_free(&out);
	while (list) {
		struct recovered *r = list;
		list = r->next;
		resume(m, r);
		free(r);
	}
	/* Held at start by a lockdown, and autostart: dialed now, the block taken over. */
	for (struct node *n = m->nodes; n; n = n->next)
		if (entry_held(n->e) && entry_autostart(n->e))
			entry_up(n->e, NULL, NULL);
	return 0;
}

/* Loads name from the peers directory (or /etc/ppp/peers), messages into out. */
static struct peer *load(struct manager *m, const char *name, struct textbuf *out)
{
	struct diag *d = diag_new();
	struct peer *p = peer_load(name, m->peers_dir, NULL, NULL, d);
	for (size_t i = 0; i < diag_count(d); i++)
		textbuf_printf(out, "%s\n", diag_get(d, i));
	diag_free(d);
	return p;
}

static bool peer_lockdown_of(struct entry *e)
{
	return entry_lockdown(e);
}

static bool in_dir(struct manager *m, const char *name)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", m->peers_dir, name);
	return lstat(path, &st) == 0;
}

static struct entry *add_entry(struct manager *m, struct peer *p, bool listed)
{
	struct node *n = xcalloc(1, sizeof(*n));
	n->e = entry_new(m->loop, m->dq, p, listed, on_entry_idle, m);
	entry_record_up(n->e);
	struct node **pp = &m->nodes;
	while (*pp && strcmp(entry_name((*pp)->e), entry_name(n->e)) < 0)
		pp = &(*pp)->next;
	n->next = *pp;
	*pp = n;
	return n->e;
}

void manager_command(struct manager *m, const struct ctl_request *rq, manager_reply_fn fn,
                     void *arg)
{
	struct entry *e = find(m, rq->peer);
	if (m->stopping) {
		fn(arg, CTL_SYSTEM, "the daemon is stopping");
		return;
	}
	if (!e && rq->verb == CTL_DOWN) {
		char text[128];
		snprintf(text, sizeof(text), "%s: not up", rq->peer);
		fn(arg, CTL_OK, text);
		return;
	}
	if (!e) {
		struct textbuf out = {0};
		struct peer *p = load(m, rq->peer, &out);
		if (!p) {
			fn(arg, CTL_CONFIG, out.data ? out.data : "cannot load the peer");
			textbuf_free(&out);
			return;
		}
		textbuf_free(&out);
		e = add_entry(m, p, in_dir(m, rq->peer));
	}
	switch (rq->verb) {
	case CTL_UP:
		entry_up(e, fn, arg);
		break;
	case CTL_DOWN:
		entry_down(e, fn, arg);
		break;
	default:
		entry_restart(e, fn, arg);
		break;
	}
}

enum ctl_status manager_status(struct manager *m, const char *peer, enum status_form form,
                               struct textbuf *out)
{
	size_t count = 0, i = 0, nref = 0, r = 0;
	for (struct node *n = m->nodes; n; n = n->next)
		count++;
	for (const struct refused *f = m->refused; f; f = f->next)
		nref++;
	struct status_row *rows = xcalloc(count ? count : 1, sizeof(*rows));
	struct status_refused *refused = xcalloc(nref ? nref : 1, sizeof(*refused));
	for (struct node *n = m->nodes; n; n = n->next)
		if (!peer[0] || strcmp(peer, entry_name(n->e)) == 0) {
			const struct refused *f = refused_find(m, entry_name(n->e));
			entry_status(n->e, &rows[i]);
			rows[i++].refused = f ? f->error : NULL;
		}
	/* Refused files with no link of their name: listed apart. */
	for (const struct refused *f = m->refused; f; f = f->next)
		if ((!peer[0] || strcmp(peer, f->name) == 0) && !find(m, f->name))
			refused[r++] = (struct status_refused){.name = f->name, .error = f->error};
	enum ctl_status st = CTL_OK;
	if (peer[0] && !i && r) {
		textbuf_printf(out, "%s: its file was refused: %s; fix it, then 'sshdial reload'\n",
		               peer, refused[0].error);
		st = CTL_CONFIG;
	} else if (peer[0] && !i) {
		textbuf_printf(out,
		               "%s: no such peer in the daemon (sshdial up %s reads its file)\n",
		               peer, peer);
		st = CTL_CONFIG;
	} else if (form == STATUS_JSON) {
		status_render_json(out, rows, i, refused, r);
	} else if (form == STATUS_TABLE && !peer[0]) {
		status_render_table(out, rows, i, refused, r);
	} else {
		status_render_text(out, rows, i);
	}
	/* status PEER: the answer says whether it is up (sshdial(8), EXIT STATUS). */
	if (st == CTL_OK && peer[0] && (!rows[0].state || strcmp(rows[0].state, "up") != 0))
		st = CTL_NOT_UP;
	for (size_t j = 0; j < i; j++)
		free(rows[j].forwards);
	free(rows);
	free(refused);
	return st;
}

void manager_log_status(struct manager *m)
{
	struct textbuf out = {0};
	manager_status(m, "", STATUS_LINES, &out);
	log_info_lines("status", out.data);
	textbuf_free(&out);
}

/* Whether name looks like a peer file: a valid name, a regular file or a link to one. */
static bool candidate(const char *dir, const struct dirent *de)
{
	if (!safe_name_valid(de->d_name))
		return false;
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
	return lstat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

static void reload_one(struct manager *m, const char *name, struct textbuf *out, bool *bad)
{
	struct entry *e = find(m, name);
	struct textbuf msgs = {0};
	struct peer *p = load(m, name, &msgs);
	if (!p) {
		refused_add(m, name, msgs.data);
		textbuf_printf(out, "%s: refused%s:\n%s", name,
		               e ? ", the link keeps running as it was" : "",
		               msgs.data ? msgs.data : "");
		*bad = true;
	} else if (!e) {
		e = add_entry(m, p, true);
		textbuf_printf(out, "%s: new%s\n", name, peer_autostart(p) ? ", dialing" : "");
		if (peer_autostart(p))
			entry_up(e, NULL, NULL);
	} else if (entry_replace(e, p)) {
		textbuf_printf(out, "%s: changed%s\n", name,
		               entry_running(e) ? ", dialing again" : "");
	} else {
		peer_free(p);
	}
	textbuf_free(&msgs);
}

enum ctl_status manager_reload(struct manager *m, struct textbuf *out)
{
	if (m->stopping) {
		textbuf_printf(out, "the daemon is stopping: nothing reloaded\n");
		return CTL_SYSTEM;
	}
	DIR *d = opendir(m->peers_dir);
	if (!d) {
		textbuf_printf(out, "cannot read %s: %s\n", m->peers_dir, strerror(errno));
		return CTL_CONFIG;
	}
	for (struct node *n = m->nodes; n; n = n->next)
		n->seen = false;
	refused_clear(m); /* each file is read again */
	bool bad = false;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!candidate(m->peers_dir, de))
			continue;
		reload_one(m, de->d_name, out, &bad);
		struct node *n = find_node(m, de->d_name);
		if (n)
			n->seen = true;
	}
	closedir(d);
	for (struct node *n = m->nodes, *next; n; n = next) {
		next = n->next;
		struct entry *e = n->e;
		if (n->seen || !entry_listed(e) || entry_removed(e))
			continue;
		textbuf_printf(out, "%s: removed%s\n", entry_name(e),
		               entry_running(e) ? ", taking it down" : "");
		entry_remove(e); /* may call on_entry_idle, which unlinks and frees e */
	}
	return bad ? CTL_CONFIG : CTL_OK;
}

void manager_forget(struct manager *m, const void *arg)
{
	for (struct node *n = m->nodes; n; n = n->next)
		entry_forget(n->e, arg);
}

void manager_stop_all(struct manager *m, void (*done)(void *arg), void *arg)
{
	m->stopping = true;
	m->all_down = done;
	m->all_down_arg = arg;
	for (struct node *n = m->nodes, *next; n; n = next) {
		next = n->next;
		entry_down(n->e, NULL, NULL);
	}
	check_all_down(m);
}
