/* serve --forward-only: a forward-only key's forced command (serve_forward.c). */
#ifndef SSHDIAL_SERVE_FORWARD_H
#define SSHDIAL_SERVE_FORWARD_H

/* Holds the session open for the key's forwards; returns an exit status. */
int serve_forward_only_main(int argc, char **argv);

#endif
