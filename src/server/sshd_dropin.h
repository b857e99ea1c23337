/* The sshd drop-in of 'sshdial authorize --install': the serve accounts (group
 * sshdial-serve) get no unix-socket forwarding, tunnel device, X11 or agent forwarding
 * from sshd.  A key's authorized_keys options cannot say so: 'restrict,port-forwarding'
 * opens unix-socket forwards both ways, and permitopen/permitlisten restrict TCP only. */
#ifndef SSHDIAL_SSHD_DROPIN_H
#define SSHDIAL_SSHD_DROPIN_H

#define SSHD_PATH "/usr/sbin/sshd"
#define SSHD_CONFIG "/etc/ssh/sshd_config"
#define SSHD_DROPIN_DIR "/etc/ssh/sshd_config.d"
#define SSHD_DROPIN SSHD_DROPIN_DIR "/sshdial.conf"

/* Writes SSHD_DROPIN for group, checked with 'sshd -t' before and after (put back as it
 * was when sshd would refuse it); warns when sshd_config does not include it, and when
 * 'sshd -T' shows that a member of group still gets unix-socket forwarding.  Says what it
 * did on stdout; 0, or -1 after logging why (the drop-in then as it was). */
int sshd_dropin_install(const char *group);

#endif
