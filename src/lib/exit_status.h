/* sshdial's exit statuses (sshdial(8), EXIT STATUS): what every command and the server's
 * forced command and hook end with.  Below every subsystem, so that a subsystem that runs
 * a whole process (the server's session) can say how it ended; which failure class maps
 * to which status is the commands' business (cmd/commands.h). */
#ifndef SSHDIAL_EXIT_STATUS_H
#define SSHDIAL_EXIT_STATUS_H

enum exit_status {
	EXIT_OK = 0,
	EXIT_CONFIG = 1,    /* bad configuration or usage */
	EXIT_PERMANENT = 2, /* the link failed for good: authentication, host key */
	EXIT_SYSTEM = 3,    /* the system lacks something: pppd, kernel PPP, root */
	EXIT_NOT_UP = 4,    /* status PEER: the daemon knows the peer, and it is not up */
};

#endif
