/* What `sshdial status` shows: one row per link, as a table for people or as JSON for
 * scripts (an array of objects, snake_case keys, numbers as numbers, like `ip -j`; the
 * keys are a stable interface, sshdial(8) lists them). */
#ifndef SSHDIAL_STATUS_H
#define SSHDIAL_STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "lib/textbuf.h"
#include "link/link.h"

struct status_row {
	const char *name;
	const char *state;   /* the link state's name as the log shows it */
	const char *blocked; /* why traffic is held with no link up, and what lifts it; or NULL */
	bool autostart;
	struct link_info info;
	bool have_bytes;
	uint64_t rx_bytes, tx_bytes;
};

void status_render_text(struct textbuf *out, const struct status_row *rows, size_t n);
void status_render_json(struct textbuf *out, const struct status_row *rows, size_t n);
/* The kernel's byte counters of interface ifname (rtnl_link stats); -1 when unknown. */
int status_link_bytes(const char *ifname, uint64_t *rx, uint64_t *tx);

#endif
