/* The client side of the daemon's control socket (ctl_client.c). */
#ifndef SSHDIAL_CTL_CLIENT_H
#define SSHDIAL_CTL_CLIENT_H

#include "lib/textbuf.h"

/* A connection to CTL_SOCKET, or -1 with errno set after logging why not and what to do
 * (start the daemon; the status group). */
int ctl_client_connect(void);
/* Reads fd's whole answer into in: 0, or -1 on timeout (timeout_s 0: none) or error.
 * progress_of (a peer, or NULL): its state shown on stdout every half second meanwhile,
 * one line each time it changes. */
int ctl_client_read_answer(int fd, struct textbuf *in, double timeout_s, const char *progress_of);

#endif
