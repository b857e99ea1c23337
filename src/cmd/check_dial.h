/* sshdial check --dial PEER: one login with the peer's own ssh, and what the server's
 * forced command answered, without bringing the link up (check_dial.c). */
#ifndef SSHDIAL_CHECK_DIAL_H
#define SSHDIAL_CHECK_DIAL_H

#include "conf/config.h"

/* Prints the verdict (stdout when the server would carry the link, stderr otherwise);
 * returns check's exit status (sshdial(8), EXIT STATUS). */
int check_dial(const struct peer *p);

#endif
