/* The server's ip-up/ip-down, run by pppd as root (serve_hook.c). */
#ifndef SSHDIAL_SERVE_HOOK_H
#define SSHDIAL_SERVE_HOOK_H

/* argv as pppd gives an ip-up/ip-down script (ctl/hook_args.h); returns an exit status. */
int serve_hook_main(int argc, char **argv);

#endif
