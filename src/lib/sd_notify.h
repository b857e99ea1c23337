/* The service manager's notification protocol (sd_notify(3)) written directly, without
 * libsystemd: one datagram to the AF_UNIX socket named by $NOTIFY_SOCKET ("@" for the
 * abstract namespace).  Without NOTIFY_SOCKET every call does nothing. */
#ifndef SSHDIAL_SD_NOTIFY_H
#define SSHDIAL_SD_NOTIFY_H

/* Sends state ("READY=1", "WATCHDOG=1", "STATUS=..."): 0 sent or nothing to do; -1 with
 * errno set. */
int sd_notify_send(const char *state);
/* The watchdog interval asked for ($WATCHDOG_USEC, for this process when $WATCHDOG_PID
 * names one) in milliseconds; 0 when none. */
unsigned sd_watchdog_ms(void);

#endif
