/* sshdial serve: the forced command of an authorized_keys line (serve.c). */
#ifndef SSHDIAL_SERVE_H
#define SSHDIAL_SERVE_H

/* argv[0] is "serve"; its options follow (sshdial(8)).  Becomes pppd on the ssh channel,
 * or returns the exit status (lib/exit_status.h) after saying why. */
int serve_main(int argc, char **argv);

#endif
