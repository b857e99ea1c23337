/* What sshdial knows about pppd 2.4.9's options: which take a value (so that a value is
 * never mistaken for an option: in "name user", 'user' is a name), and which ones sshdial
 * cannot pass on because they would break its supervision of pppd or leak a secret. */
#ifndef SSHDIAL_PPPD_OPTIONS_H
#define SSHDIAL_PPPD_OPTIONS_H

#include <stdbool.h>

/* Where Debian's pppd is, for the client's dial and the server's serve alike. */
#define PPPD_PATH "/usr/sbin/pppd"

/* An option documented in pppd(8) of pppd 2.4.9 (plugins add more). */
bool pppd_option_known(const char *word);
/* The option is followed by one value word. */
bool pppd_option_takes_value(const char *word);
/* Why sshdial refuses the option, saying what to use instead; NULL if it is allowed. */
const char *pppd_option_refusal(const char *word);
/* The sshdial keyword that does the option's job, or NULL. */
const char *pppd_option_keyword(const char *word);

#endif
