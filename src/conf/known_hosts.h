/* The text of ssh's host keys, as ssh-keyscan prints them and ssh-keygen -l fingerprints
 * them: what `sshdial init` writes into a peer's known_hosts, and how `check` names a host
 * there.  Pure text: the tools themselves are run by the commands. */
#ifndef SSHDIAL_KNOWN_HOSTS_H
#define SSHDIAL_KNOWN_HOSTS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/strv.h"

/* How ssh names a server in known_hosts: "HOST" for port 0 or 22, else "[HOST]:PORT". */
void known_hosts_name(char *buf, size_t len, const char *host, unsigned port);

/* The key lines of ssh-keyscan's output ("NAME TYPE BASE64"), each once, in order; its
 * comments ("# host:22 SSH-2.0-...") and anything else are left out. */
struct strv *known_hosts_scan_lines(const char *scan_output);

/* The fingerprint ("SHA256:...") in one line of `ssh-keygen -l -E sha256` ("256
 * SHA256:... NAME (ED25519)"); false when the line holds none. */
bool known_hosts_fingerprint(const char *keygen_line, char *fp, size_t len);

/* Whether a fingerprint given by a person (with or without "SHA256:", with or without
 * base64's '=' padding) names fp. */
bool known_hosts_fingerprint_matches(const char *given, const char *fp);

#endif
