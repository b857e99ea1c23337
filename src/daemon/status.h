/* What `sshdial status` shows: a table for people (one row per link, then what each link
 * has beyond the row, then the peer files that were refused), one link in detail
 * (`status PEER`, and the log on SIGUSR1), or JSON for scripts (an array of objects,
 * snake_case keys, numbers as numbers, like `ip -j`; the keys are a stable interface,
 * sshdial(8) lists them).  Formatting only: the caller gathers the rows. */
#ifndef SSHDIAL_STATUS_H
#define SSHDIAL_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/textbuf.h"
#include "link/forward.h"
#include "link/link.h"

struct status_row {
	const char *name;
	const char *state;   /* the link state's name as the log shows it */
	const char *blocked; /* why traffic is held with no link up, and what lifts it; or NULL */
	const char *refused; /* its file was refused at the last reload: the first error; or NULL */
	bool autostart;
	struct link_info info;
	bool have_bytes;
	uint64_t rx_bytes, tx_bytes;
	struct forward_status *forwards; /* malloc'ed by who fills the row; NULL: none */
	size_t nforwards;
};

/* A peer file the daemon refused, with no link of that name: its name and first error. */
struct status_refused {
	const char *name;
	const char *error;
};

/* The table: `sshdial status`. */
void status_render_table(struct textbuf *out, const struct status_row *rows, size_t n,
                         const struct status_refused *refused, size_t nrefused);
/* Each link in detail, a line or a few: `sshdial status PEER` and SIGUSR1's log lines. */
void status_render_text(struct textbuf *out, const struct status_row *rows, size_t n);
/* rows, then the refused peers as objects of state "refused". */
void status_render_json(struct textbuf *out, const struct status_row *rows, size_t n,
                        const struct status_refused *refused, size_t nrefused);

/* For people: "512 B", "1.5 KiB", "3.2 MiB", "1.0 GiB" (powers of 1024). */
void status_bytes(char *buf, size_t len, uint64_t bytes);
/* A span of time: "42 s", "12 min 5 s", "3 h 2 min", "4 d 3 h" (whole seconds, rounded). */
void status_duration(char *buf, size_t len, double seconds);
/* A time to come, seconds from now: "now" (under half a second), "in 12 s" (rounded up). */
void status_due(char *buf, size_t len, double seconds);
/* The kill switch's state for people: "in force", "holding traffic", "unlocked", "off"
 * (link_info.kill_switch), "always, " before it for kill-switch always; "-" without one. */
void status_kill_switch(char *buf, size_t len, const struct link_info *li);

/* The kernel's byte counters of interface ifname (rtnl_link stats); -1 when unknown. */
int status_link_bytes(const char *ifname, uint64_t *rx, uint64_t *tx);

#endif
