/* What a server needs once, from root, before any key can use sshdial serve
 * ('sshdial authorize --install'): the options files under /etc/ppp/peers that give the
 * unprivileged pppd its privileged options, the hook links those files name, and the
 * lease directory that every serve account (group sshdial-serve) can write, and the sshd
 * drop-in that closes what those accounts' keys cannot (sshd_dropin.h). */
#ifndef SSHDIAL_SERVE_INSTALL_H
#define SSHDIAL_SERVE_INSTALL_H

#define SERVE_HOOK_IP_UP "/etc/ppp/sshdial-serve-ip-up"
#define SERVE_HOOK_IP_DOWN "/etc/ppp/sshdial-serve-ip-down"
#define SERVE_HOOK_IP_UP_NAME "sshdial-serve-ip-up"
#define SERVE_HOOK_IP_DOWN_NAME "sshdial-serve-ip-down"

/* Installs all of it, pointing the hooks at the running binary and creating lease_dir
 * (mode 3770, root and group sshdial-serve, which it creates with groupadd when missing),
 * then the sshd drop-in.
 * Says what it did on stdout; 0, or -1 after logging why. */
int serve_install(const char *lease_dir);

#endif
